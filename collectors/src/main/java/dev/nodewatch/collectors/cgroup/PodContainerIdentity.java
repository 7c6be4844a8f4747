package dev.nodewatch.collectors.cgroup;

import dev.nodewatch.collectors.kube.ContainerMetadata;
import dev.nodewatch.collectors.kube.KubeletPods;
import dev.nodewatch.collectors.kube.LogPathIndex;
import dev.nodewatch.collectors.kube.PodMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Names cgroups from the kubelet's pod list when it answers, else from the log directories.
 *
 * <ul>
 *   <li>A pod cgroup: namespace and pod from its UID; {@code container=""}.
 *   <li>A container the kubelet lists: namespace, pod, container name and image; {@code name} is the container id.
 *   <li>A container of a known pod that nobody lists, which is the pod sandbox ("pause" container): {@code POD}, as
 *       cAdvisor names it, so the usual {@code container!="POD"} filters leave it out.
 *   <li>Without the kubelet: names from {@code /var/log/containers}, no image (the mixin's {@code image!=""} filter
 *       then hides those series, which is the honest outcome: the image is unknown).
 * </ul>
 *
 * A collection that meets a UID or container id the cache does not know asks the kubelet once (at most every
 * {@code kubelet.refresh}) and waits up to {@code maxWait} for the answer, so a new pod's first series already carry
 * its names instead of changing labels one scrape later. An id still unknown after a refresh that happened after it
 * was first seen is a sandbox, and asks nothing more (a failed refresh settles nothing). How many cgroups each source named in the last collection is
 * in {@link #namedBy}.
 */
public final class PodContainerIdentity implements ContainerIdentity {

  /** Which source named a cgroup. */
  public enum Source { KUBELET, LOG_PATH, NONE }

  private final KubeletPods kubelet;
  private final LogPathIndex logPaths;
  private final Duration maxWait;
  /** Ids the kubelet's cache lacked, with the count of successful refreshes when first seen. */
  private final Map<String, Long> unknownSince = new ConcurrentHashMap<>();
  private final Map<Source, AtomicLong> namedBy = Map.of(Source.KUBELET, new AtomicLong(),
      Source.LOG_PATH, new AtomicLong(), Source.NONE, new AtomicLong());
  private final Map<Source, AtomicLong> counting = Map.of(Source.KUBELET, new AtomicLong(),
      Source.LOG_PATH, new AtomicLong(), Source.NONE, new AtomicLong());

  public PodContainerIdentity(KubeletPods kubelet, LogPathIndex logPaths, Duration maxWait) {
    this.kubelet = kubelet;
    this.logPaths = logPaths;
    this.maxWait = maxWait;
  }

  /** Cgroups each source named in the last collection. */
  public long namedBy(Source source) {
    return namedBy.get(source).get();
  }

  @Override
  public void prepare(List<ContainerCgroup> cgroups) {
    boolean missing = false;
    boolean askKubelet = false;
    long completed = kubelet.successfulRefreshes();
    for (ContainerCgroup c : cgroups) {
      String key = c.isPod() ? c.podUid() : c.containerId();
      boolean known = c.isPod() ? kubelet.cachedByUid(key).isPresent() : kubelet.cachedByContainerId(key).isPresent();
      if (known) {
        continue;
      }
      missing = true;
      Long since = unknownSince.putIfAbsent(key, completed);
      askKubelet |= since == null || since == completed;
    }
    unknownSince.keySet().retainAll(cgroups.stream()
        .map(c -> c.isPod() ? c.podUid() : c.containerId()).collect(java.util.stream.Collectors.toSet()));
    if (askKubelet && kubelet.enabled()) {
      awaitRefresh();
    }
    if (missing) {
      try {
        logPaths.rescanIfStale();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list the log directories to name containers", e);
      }
    }
  }

  private void awaitRefresh() {
    try {
      kubelet.refreshIfDue().toCompletionStage().toCompletableFuture().get(maxWait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      // the kubelet is slow: this collection names what it can from the log paths, the next one gets the answer
    } catch (ExecutionException e) {
      throw new IllegalStateException("a kubelet refresh cannot fail, it reports failures itself", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void finish() {
    counting.forEach((source, count) -> namedBy.get(source).set(count.getAndSet(0)));
  }

  @Override
  public ContainerLabels labels(ContainerCgroup cgroup) {
    Optional<PodMetadata> pod = kubelet.cachedByUid(cgroup.podUid());
    if (cgroup.isPod()) {
      if (pod.isPresent()) {
        return counted(Source.KUBELET, new ContainerLabels("", "", pod.get().namespace(), pod.get().name(), ""));
      }
      return logPaths.byUid(cgroup.podUid())
          .map(n -> counted(Source.LOG_PATH, new ContainerLabels("", "", n.namespace(), n.pod(), "")))
          .orElseGet(() -> counted(Source.NONE, ContainerLabels.UNKNOWN));
    }
    String id = cgroup.containerId();
    Optional<PodMetadata> owner = kubelet.cachedByContainerId(id);
    if (owner.isPresent()) {
      ContainerMetadata container = owner.get().containers().stream()
          .filter(c -> c.containerId().equals(id)).findFirst().orElseThrow();
      return counted(Source.KUBELET, new ContainerLabels(id, container.image(), owner.get().namespace(),
          owner.get().name(), container.name()));
    }
    Optional<LogPathIndex.Names> logged = logPaths.byContainerId(id);
    if (logged.isPresent()) {
      LogPathIndex.Names n = logged.get();
      return counted(Source.LOG_PATH, new ContainerLabels(id, "", n.namespace(), n.pod(), n.container()));
    }
    if (pod.isPresent()) {
      return counted(Source.KUBELET, new ContainerLabels(id, "", pod.get().namespace(), pod.get().name(), "POD"));
    }
    return logPaths.byUid(cgroup.podUid())
        .map(n -> counted(Source.LOG_PATH, new ContainerLabels(id, "", n.namespace(), n.pod(), "POD")))
        .orElseGet(() -> counted(Source.NONE, new ContainerLabels(id, "", "", "", "")));
  }

  private ContainerLabels counted(Source source, ContainerLabels labels) {
    counting.get(source).incrementAndGet();
    return labels;
  }
}

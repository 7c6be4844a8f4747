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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Names cgroups from the kubelet's pod list when it answers, else from the log directories.
 *
 * <ul>
 *   <li>A pod cgroup: namespace and pod from its UID; {@code container=""}.
 *   <li>A container the kubelet lists: namespace, pod, container name and image; {@code name} is the container id.
 *   <li>The pod sandbox ("pause" container), which no pod status lists: {@code POD}, as cAdvisor names it, so the
 *       usual {@code container!="POD"} filters leave it out. It is recognised by its process ({@code isSandbox}),
 *       not by being unknown: a container the kubelet has not reported yet (its status lags the cgroup by a second
 *       or more, and every restart brings a new id) is unknown too.
 *   <li>Without the kubelet: names from {@code /var/log/containers}, no image (the mixin's {@code image!=""} filter
 *       then hides those series, which is the honest outcome: the image is unknown).
 * </ul>
 *
 * A collection that meets a pod UID or a (non-sandbox) container id the cache does not know asks the kubelet (at
 * most once per {@code kubelet.refresh}, which {@link KubeletPods} enforces) and waits up to {@code maxWait}, so a
 * new pod's first series already carry its names instead of changing labels a scrape later. How many cgroups each
 * source named in the last collection is in {@link #namedBy}. Thread-safe: labels are asked for from the
 * collection's reader threads at once.
 */
public final class PodContainerIdentity implements ContainerIdentity {

  /** Which source named a cgroup. */
  public enum Source { KUBELET, LOG_PATH, NONE }

  private final KubeletPods kubelet;
  private final LogPathIndex logPaths;
  private final Duration maxWait;
  private final Predicate<ContainerCgroup> isSandbox;
  /** Whether a container id is a sandbox; ids never change meaning, so each is looked at once. */
  private final Map<String, Boolean> sandboxes = new ConcurrentHashMap<>();
  private final Map<Source, AtomicLong> namedBy = Map.of(Source.KUBELET, new AtomicLong(),
      Source.LOG_PATH, new AtomicLong(), Source.NONE, new AtomicLong());
  private final Map<Source, AtomicLong> counting = Map.of(Source.KUBELET, new AtomicLong(),
      Source.LOG_PATH, new AtomicLong(), Source.NONE, new AtomicLong());

  /** @param isSandbox whether a container cgroup holds the pod's sandbox (its process is {@code pause}) */
  public PodContainerIdentity(KubeletPods kubelet, LogPathIndex logPaths, Duration maxWait,
      Predicate<ContainerCgroup> isSandbox) {
    this.kubelet = kubelet;
    this.logPaths = logPaths;
    this.maxWait = maxWait;
    this.isSandbox = isSandbox;
  }

  /** Cgroups each source named in the last collection. */
  public long namedBy(Source source) {
    return namedBy.get(source).get();
  }

  @Override
  public void prepare(List<ContainerCgroup> cgroups) {
    Set<String> live = cgroups.stream().filter(c -> !c.isPod()).map(ContainerCgroup::containerId)
        .collect(Collectors.toSet());
    sandboxes.keySet().retainAll(live);
    boolean missing = false;
    boolean askKubelet = false;
    for (ContainerCgroup c : cgroups) {
      if (c.isPod() ? kubelet.cachedByUid(c.podUid()).isPresent()
          : kubelet.cachedByContainerId(c.containerId()).isPresent()) {
        continue;
      }
      missing = true;
      askKubelet |= c.isPod() || !sandbox(c);
    }
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

  private boolean sandbox(ContainerCgroup container) {
    return sandboxes.computeIfAbsent(container.containerId(), id -> isSandbox.test(container));
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

  /** Publishes this collection's counts to {@link #namedBy}. */
  @Override
  public void finish() {
    counting.forEach((source, count) -> namedBy.get(source).set(count.getAndSet(0)));
  }

  @Override
  public Optional<Boolean> onHostNetwork(ContainerCgroup pod) {
    return kubelet.cachedByUid(pod.podUid()).map(PodMetadata::hostNetwork);
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
    String sandboxName = sandbox(cgroup) ? "POD" : "";
    if (sandboxName.isEmpty()) {
      Optional<LogPathIndex.Names> logged = logPaths.byContainerId(id);
      if (logged.isPresent()) {
        LogPathIndex.Names n = logged.get();
        return counted(Source.LOG_PATH, new ContainerLabels(id, "", n.namespace(), n.pod(), n.container()));
      }
    }
    if (pod.isPresent()) {
      return counted(Source.KUBELET, new ContainerLabels(id, "", pod.get().namespace(), pod.get().name(),
          sandboxName));
    }
    return logPaths.byUid(cgroup.podUid())
        .map(n -> counted(Source.LOG_PATH, new ContainerLabels(id, "", n.namespace(), n.pod(), sandboxName)))
        .orElseGet(() -> counted(Source.NONE, new ContainerLabels(id, "", "", "", "")));
  }

  private ContainerLabels counted(Source source, ContainerLabels labels) {
    counting.get(source).incrementAndGet();
    return labels;
  }
}

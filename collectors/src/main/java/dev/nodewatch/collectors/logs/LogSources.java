package dev.nodewatch.collectors.logs;

import dev.nodewatch.collectors.kube.PodLogPath;
import dev.nodewatch.collectors.queue.FileIdentity;
import dev.nodewatch.collectors.queue.LogSource;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Names the pod and container of a log file from its paths: the real file under {@code /var/log/pods} gives
 * namespace, pod, UID, container and restart count; the {@code /var/log/containers} symlink adds the container id.
 * Pod labels come from the kubelet's cached pod list when one is configured.
 */
final class LogSources {

  private final Function<String, Map<String, String>> labelsByUid;

  /** @param labelsByUid the labels of a pod by its UID; an empty map when unknown */
  LogSources(Function<String, Map<String, String>> labelsByUid) {
    this.labelsByUid = labelsByUid;
  }

  LogSource of(FileIdentity identity, Path watched, Path real) {
    Optional<PodLogPath> fromReal = PodLogPath.parse(real.toString());
    Optional<PodLogPath> fromLink = PodLogPath.parse(watched.toString());
    PodLogPath path = fromReal.or(() -> fromLink).orElse(null);
    if (path == null) {
      return new LogSource(identity, real.toString(), "", "", "", "", "", -1, Map.of());
    }
    String uid = path.podUid().or(() -> fromLink.flatMap(PodLogPath::podUid)).orElse("");
    String containerId = fromLink.flatMap(PodLogPath::containerId).or(path::containerId).orElse("");
    return new LogSource(identity, real.toString(), path.namespace(), path.pod(), uid, path.container(), containerId,
        path.restartCount().orElse(-1), uid.isEmpty() ? Map.of() : labelsByUid.apply(uid));
  }
}

package dev.nodewatch.collectors.kube;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a container log file's path says about its pod, read without any API call so log shipping works on a node
 * whose kubelet is unreachable or not configured.
 *
 * <p>Two layouts exist. {@code /var/log/pods/<namespace>_<pod>_<uid>/<container>/<restart>.log} (also rotated as
 * {@code 0.log.20240101-120000}, optionally {@code .gz}) carries the pod UID and restart count; the
 * {@code /var/log/containers/<pod>_<namespace>_<container>-<64 hex>.log} symlinks carry the container id instead.
 * Names are Kubernetes DNS names, which never contain an underscore, so underscores split the fields unambiguously
 * even though pod names contain dashes and dots. Any directory prefix is accepted, because the agent usually sees
 * the host's {@code /var/log} under a hostPath mount such as {@code /host/var/log}.
 */
public record PodLogPath(String namespace, String pod, Optional<String> podUid, String container,
    OptionalInt restartCount, Optional<String> containerId) {

  private static final String NAMESPACE = "([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)";
  private static final String POD = "([a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?)";
  private static final String CONTAINER = "([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)";
  /** A UUID for API pods, a 32-hex config hash for static pods; both are hex and dashes. */
  private static final String UID = "([0-9a-fA-F][0-9a-fA-F-]{0,63})";

  private static final Pattern PODS_DIR = Pattern.compile("(?:^|.*/)pods/" + NAMESPACE + "_" + POD + "_" + UID
      + "/" + CONTAINER + "/(0|[1-9][0-9]{0,8})\\.log(?:\\.[0-9]{8}-[0-9]{6})?(?:\\.gz)?");
  private static final Pattern CONTAINERS_DIR = Pattern.compile("(?:^|.*/)containers/" + POD + "_" + NAMESPACE
      + "_" + CONTAINER + "-([0-9a-f]{64})\\.log");

  /** The metadata in a log file's path, or empty when the path follows neither layout. Never throws. */
  public static Optional<PodLogPath> parse(String path) {
    if (path == null) {
      return Optional.empty();
    }
    Matcher pods = PODS_DIR.matcher(path);
    if (pods.matches()) {
      return Optional.of(new PodLogPath(pods.group(1), pods.group(2), Optional.of(pods.group(3)), pods.group(4),
          OptionalInt.of(Integer.parseInt(pods.group(5))), Optional.empty()));
    }
    Matcher containers = CONTAINERS_DIR.matcher(path);
    if (containers.matches()) {
      return Optional.of(new PodLogPath(containers.group(2), containers.group(1), Optional.empty(),
          containers.group(3), OptionalInt.empty(), Optional.of(containers.group(4))));
    }
    return Optional.empty();
  }
}

package dev.nodewatch.collectors.cgroup;

import java.nio.file.Path;

/**
 * A pod's or a container's cgroup as discovery found it. The path is relative to the hierarchy root so the same value
 * finds the cgroup in every v1 controller hierarchy ({@code memory/<path>}, {@code cpuacct/<path>}) as well as in the
 * unified one.
 *
 * @param podUid the pod UID with dashes, as the API server spells it (systemd slice names carry underscores)
 * @param containerId the runtime's container id, or null for the pod-level cgroup
 * @param runtime {@code containerd}, {@code crio} or {@code docker}; null when the cgroup name does not say (a bare id
 *     under the cgroupfs driver)
 * @param path the cgroup directory relative to the hierarchy root
 */
public record ContainerCgroup(String podUid, String containerId, String runtime, Path path) {

  public boolean isPod() {
    return containerId == null;
  }

  /** The cgroup name cAdvisor exposes as the {@code id} label: the path from the hierarchy root, with a leading slash. */
  public String id() {
    return "/" + path.toString().replace('\\', '/');
  }
}

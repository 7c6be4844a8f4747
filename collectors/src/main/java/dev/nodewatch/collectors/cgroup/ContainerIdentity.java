package dev.nodewatch.collectors.cgroup;

import java.util.List;

/** Names pod and container cgroups with their Kubernetes identity for the series labels. */
public interface ContainerIdentity {

  /**
   * Called once per collection with every cgroup found, before any {@link #labels} call, so a source can refresh
   * once for all the cgroups it does not know yet instead of once per cgroup. May block briefly; it runs on a
   * collection thread.
   */
  default void prepare(List<ContainerCgroup> cgroups) {}

  /**
   * The labels for one cgroup; {@link ContainerLabels#UNKNOWN} when nothing is known about it. Called from the
   * collection's reader threads at once, so it must be thread-safe.
   */
  ContainerLabels labels(ContainerCgroup cgroup);

  /**
   * Whether a pod uses the node's network namespace: true or false when its spec is known, empty when not (then the
   * network reader checks the namespace itself).
   */
  default java.util.Optional<Boolean> onHostNetwork(ContainerCgroup pod) {
    return java.util.Optional.empty();
  }

  /** Called once at the end of each collection (failed or not), after the last {@link #labels} call. */
  default void finish() {}
}

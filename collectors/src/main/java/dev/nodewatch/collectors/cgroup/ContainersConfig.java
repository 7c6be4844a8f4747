package dev.nodewatch.collectors.cgroup;

import dev.nodewatch.collectors.config.ConfigProblems;
import java.time.Duration;

/**
 * Whether cAdvisor-style container metrics are collected, where the cgroup hierarchy is mounted, and how often the
 * rarely changing limits ({@code container_spec_*}) are read again: a pod resized in place shows its new limits
 * within {@code spec_refresh}.
 */
public record ContainersConfig(Boolean enabled, String cgroupRoot, Duration specRefresh) {

  public ContainersConfig {
    enabled = enabled == null ? Boolean.TRUE : enabled;
    cgroupRoot = cgroupRoot == null ? "/sys/fs/cgroup" : cgroupRoot;
    specRefresh = specRefresh == null ? Duration.ofMinutes(1) : specRefresh;
  }

  public static ContainersConfig defaults() {
    return new ContainersConfig(null, null, null);
  }

  public void validate(String path, ConfigProblems problems) {
    problems.requireAbsolute(ConfigProblems.path(path, "cgroup_root"), cgroupRoot);
    if (specRefresh.isNegative()) {
      problems.add(ConfigProblems.path(path, "spec_refresh"), "must not be negative");
    }
  }
}

package dev.nodewatch.collectors.cgroup;

import dev.nodewatch.collectors.config.ConfigProblems;

/** Whether cAdvisor-style container metrics are collected, and where the cgroup hierarchy is mounted. */
public record ContainersConfig(Boolean enabled, String cgroupRoot) {

  public ContainersConfig {
    enabled = enabled == null ? Boolean.TRUE : enabled;
    cgroupRoot = cgroupRoot == null ? "/sys/fs/cgroup" : cgroupRoot;
  }

  public static ContainersConfig defaults() {
    return new ContainersConfig(null, null);
  }

  public void validate(String path, ConfigProblems problems) {
    problems.requireAbsolute(ConfigProblems.path(path, "cgroup_root"), cgroupRoot);
  }
}

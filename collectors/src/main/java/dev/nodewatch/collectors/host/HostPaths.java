package dev.nodewatch.collectors.host;

import java.nio.file.Path;

/**
 * Where the host's kernel interfaces are: {@code /proc}, {@code /sys} and {@code /} on a machine,
 * {@code /host/proc}, {@code /host/sys} and {@code /host/root} in the DaemonSet. Every host collector reads through
 * these, so tests point them at a tree under {@code testdata/}.
 */
public record HostPaths(Path procfs, Path sysfs, Path rootfs) {

  public static HostPaths of(HostConfig config) {
    return new HostPaths(Path.of(config.procfs()), Path.of(config.sysfs()), Path.of(config.rootfs()));
  }

  /** A file under procfs, e.g. {@code proc("meminfo")} or {@code proc("1/mountinfo")}. */
  public Path proc(String relative) {
    return procfs.resolve(relative);
  }

  public Path sys(String relative) {
    return sysfs.resolve(relative);
  }

  /** A host path (a mount point from mountinfo) as seen from here, under the rootfs prefix. */
  public Path root(String absolute) {
    return rootfs.resolve(absolute.startsWith("/") ? absolute.substring(1) : absolute);
  }
}

package dev.nodewatch.collectors.host;

import dev.nodewatch.collectors.config.ConfigProblems;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where the host's kernel interfaces are and which node_exporter-style collectors run.
 *
 * <p>In the DaemonSet the host's {@code /proc}, {@code /sys} and {@code /} are mounted under {@code /host}, the
 * equivalent of node_exporter's {@code --path.procfs}, {@code --path.sysfs} and {@code --path.rootfs}.
 */
public record HostConfig(String procfs, String sysfs, String rootfs, List<String> collectors) {

  /** node_exporter's default Linux collectors that nodewatch implements or will, by node_exporter's names. */
  public static final Set<String> KNOWN_COLLECTORS = Set.of(
      "cpu", "meminfo", "loadavg", "stat", "diskstats", "filesystem", "netdev", "netclass", "uname", "os", "time",
      "timex", "vmstat", "pressure", "filefd", "netstat", "sockstat", "conntrack", "entropy", "schedstat",
      "softnet", "hwmon", "thermal_zone");

  /** The collectors on when the config does not list them. */
  public static final List<String> DEFAULT_COLLECTORS = List.of(
      "cpu", "meminfo", "loadavg", "stat", "diskstats", "filesystem", "netdev", "netclass", "uname", "os", "time",
      "vmstat", "pressure", "filefd", "netstat", "sockstat");

  public HostConfig {
    procfs = procfs == null ? "/proc" : procfs;
    sysfs = sysfs == null ? "/sys" : sysfs;
    rootfs = rootfs == null ? "/" : rootfs;
    collectors = collectors == null ? DEFAULT_COLLECTORS : List.copyOf(collectors);
  }

  public static HostConfig defaults() {
    return new HostConfig(null, null, null, null);
  }

  public void validate(String path, ConfigProblems problems) {
    problems.requireAbsolute(ConfigProblems.path(path, "procfs"), procfs);
    problems.requireAbsolute(ConfigProblems.path(path, "sysfs"), sysfs);
    problems.requireAbsolute(ConfigProblems.path(path, "rootfs"), rootfs);
    for (int i = 0; i < collectors.size(); i++) {
      String name = collectors.get(i);
      if (!KNOWN_COLLECTORS.contains(name)) {
        problems.add(ConfigProblems.path(path, "collectors") + "[" + i + "]",
            "unknown collector \"" + name + "\" (known: " + String.join(", ", new TreeSet<>(KNOWN_COLLECTORS)) + ")");
      }
    }
  }
}

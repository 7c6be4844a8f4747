package dev.nodewatch.collectors.host;

import dev.nodewatch.collectors.config.ConfigProblems;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where the host's kernel interfaces are and which node_exporter-style collectors run.
 *
 * <p>In the DaemonSet the host's {@code /proc}, {@code /sys} and {@code /} are mounted under {@code /host}, the
 * equivalent of node_exporter's {@code --path.procfs}, {@code --path.sysfs} and {@code --path.rootfs}.
 */
public record HostConfig(String procfs, String sysfs, String rootfs, List<String> collectors,
    Duration collectorTimeout, FilesystemConfig filesystem, String textfileDirectory) {

  /** node_exporter's default Linux collectors that nodewatch implements, by node_exporter's names. */
  public static final Set<String> KNOWN_COLLECTORS = Set.of(
      "arp", "conntrack", "cpu", "diskstats", "entropy", "filefd", "filesystem", "hwmon", "loadavg", "meminfo",
      "netclass", "netdev", "netstat", "os", "pressure", "schedstat", "sockstat", "softnet", "stat", "thermal_zone",
      "textfile", "time", "timex", "udp_queues", "uname", "vmstat");

  /** The collectors on when the config does not list them: all of the above, as node_exporter runs by default. */
  public static final List<String> DEFAULT_COLLECTORS = List.copyOf(new TreeSet<>(KNOWN_COLLECTORS));

  public HostConfig {
    procfs = procfs == null ? "/proc" : procfs;
    sysfs = sysfs == null ? "/sys" : sysfs;
    rootfs = rootfs == null ? "/" : rootfs;
    collectors = collectors == null ? DEFAULT_COLLECTORS : List.copyOf(collectors);
    collectorTimeout = collectorTimeout == null ? Duration.ofSeconds(5) : collectorTimeout;
    filesystem = filesystem == null ? FilesystemConfig.defaults() : filesystem;
    textfileDirectory = textfileDirectory == null ? "" : textfileDirectory;
  }

  public static HostConfig defaults() {
    return new HostConfig(null, null, null, null, null, null, null);
  }

  public void validate(String path, ConfigProblems problems) {
    problems.requireAbsolute(ConfigProblems.path(path, "procfs"), procfs);
    problems.requireAbsolute(ConfigProblems.path(path, "sysfs"), sysfs);
    problems.requireAbsolute(ConfigProblems.path(path, "rootfs"), rootfs);
    if (collectorTimeout.compareTo(Duration.ofMillis(10)) < 0) {
      problems.add(ConfigProblems.path(path, "collector_timeout"), "must be at least 10ms");
    }
    filesystem.validate(ConfigProblems.path(path, "filesystem"), problems);
    if (!textfileDirectory.isEmpty()) {
      problems.requireAbsolute(ConfigProblems.path(path, "textfile_directory"), textfileDirectory);
    }
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < collectors.size(); i++) {
      String name = collectors.get(i);
      if (!KNOWN_COLLECTORS.contains(name)) {
        problems.add(ConfigProblems.path(path, "collectors") + "[" + i + "]",
            "unknown collector \"" + name + "\" (known: " + String.join(", ", new TreeSet<>(KNOWN_COLLECTORS)) + ")");
      } else if (!seen.add(name)) {
        problems.add(ConfigProblems.path(path, "collectors") + "[" + i + "]", "\"" + name + "\" is listed twice");
      }
    }
  }
}

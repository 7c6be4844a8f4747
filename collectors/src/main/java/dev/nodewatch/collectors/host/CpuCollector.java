package dev.nodewatch.collectors.host;

import dev.nodewatch.collectors.metrics.KernelFiles;
import dev.nodewatch.collectors.metrics.MetricCollector;
import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * What node_exporter's {@code cpu} collector exposes by default: the time each CPU spent in each mode, from the
 * {@code cpuN} lines of {@code <procfs>/stat}, and, where the kernel has them, the isolated CPUs
 * ({@code <sysfs>/devices/system/cpu/isolated}) and the x86 thermal throttle counters
 * ({@code <sysfs>/devices/system/cpu/cpuN/thermal_throttle/}). {@code node_cpu_info}, {@code node_cpu_flag_info}
 * and {@code node_cpu_bug_info} are off by default in node_exporter ({@code --collector.cpu.info}) and are not
 * produced.
 *
 * <p>Guest time is also counted in {@code user} and {@code nice} by the kernel; it is exposed on its own as
 * {@code node_cpu_guest_seconds_total}. Kernels older than the guest, steal, irq or iowait fields give 0 for them,
 * as in node_exporter.
 *
 * <p>Like node_exporter, the exposed counters never go backwards. The kernel's idle and iowait times can step
 * back slightly between reads; a value lower than the last one exposed is replaced by the last one. An idle time
 * that drops by {@value #JUMP_BACK_SECONDS} s or more means the CPU was unplugged and plugged in again: that CPU
 * starts afresh. A change in the number of CPUs starts every CPU afresh.
 *
 * <pre>
 * # TYPE node_cpu_seconds_total counter
 * node_cpu_seconds_total{cpu="0",mode="idle"} 2341.92
 * node_cpu_seconds_total{cpu="0",mode="user"} 370.3
 * # TYPE node_cpu_guest_seconds_total counter
 * node_cpu_guest_seconds_total{cpu="0",mode="user"} 0
 * # TYPE node_cpu_isolated gauge
 * node_cpu_isolated{cpu="2"} 1
 * # TYPE node_cpu_core_throttles_total counter
 * node_cpu_core_throttles_total{package="0",core="1"} 5
 * </pre>
 */
public final class CpuCollector implements MetricCollector {

  /** /proc/stat counts in USER_HZ ticks, which is 100 on every Linux architecture (node_exporter assumes it too). */
  private static final double USER_HZ = 100.0;
  static final double JUMP_BACK_SECONDS = 3.0;

  // Field positions after "cpuN" in /proc/stat.
  private static final int USER = 0;
  private static final int NICE = 1;
  private static final int SYSTEM = 2;
  private static final int IDLE = 3;
  private static final int IOWAIT = 4;
  private static final int IRQ = 5;
  private static final int SOFTIRQ = 6;
  private static final int STEAL = 7;
  private static final int GUEST = 8;
  private static final int GUEST_NICE = 9;
  private static final int FIELDS = 10;
  /** user, nice, system and idle are in every 2.6+ kernel; a cpu line with fewer fields is garbage. */
  private static final int MIN_FIELDS = 4;
  /** Kernels are built for a few thousand CPUs at most (CONFIG_NR_CPUS); this leaves ample room. */
  private static final int MAX_CPU = 65_535;

  private static final String[] MODES = {"idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"};
  private static final int[] MODE_FIELDS = {IDLE, IOWAIT, IRQ, NICE, SOFTIRQ, STEAL, SYSTEM, USER};

  private final HostPaths paths;
  private final SkippedLines skipped;

  // Collections of one collector never overlap, but follow each other on different threads: guarded by this.
  /** Last exposed seconds per CPU, indexed by CPU number; null for a CPU not seen since the last reset. */
  private double[][] exposed = new double[0][];
  private String[] cpuLabels = new String[0];
  private int exposedCount = -1;
  /** CPUs isolated at boot (isolcpus), read once on the first collection as node_exporter does at start. */
  private List<String> isolated;

  public CpuCollector(HostPaths paths, SkippedLines skipped) {
    this.paths = paths;
    this.skipped = skipped;
  }

  @Override
  public String name() {
    return "cpu";
  }

  @Override
  public List<MetricFamily> collect() throws IOException {
    List<MetricFamily> out = new ArrayList<>(5);
    List<String> lines = KernelFiles.lines(paths.proc("stat"));
    int[] ids = new int[lines.size()];
    double[][] read = new double[lines.size()][];
    int count = 0;
    long[] ticks = new long[FIELDS];
    for (String line : lines) {
      if (!line.startsWith("cpu") || (line.length() > 3 && line.charAt(3) == ' ')) {
        continue; // not a CPU line, or the all-CPU total
      }
      int id = cpuNumber(line);
      // The kernel lists CPUs in increasing order; a repeated number would make duplicate series.
      boolean ordered = id >= 0 && (count == 0 || id > ids[count - 1]);
      int n = ordered ? KernelText.parseFields(line, line.indexOf(' '), ticks) : -1;
      if (n < MIN_FIELDS) {
        skipped.add(name());
        continue;
      }
      double[] seconds = new double[FIELDS];
      for (int i = 0; i < n; i++) {
        seconds[i] = ticks[i] / USER_HZ;
      }
      ids[count] = id;
      read[count++] = seconds;
    }

    synchronized (this) {
      MetricFamily.Builder modes = MetricFamily.counter("node_cpu_seconds_total",
          "Time each CPU spent in each mode, in seconds.", "cpu", "mode");
      MetricFamily.Builder guest = MetricFamily.counter("node_cpu_guest_seconds_total",
          "Time each CPU spent running virtual machine guests, in seconds (also counted in user and nice).",
          "cpu", "mode");
      keepMonotonic(ids, read, count);
      for (int i = 0; i < count; i++) {
        double[] s = exposed[ids[i]];
        String cpu = cpuLabels[ids[i]];
        for (int m = 0; m < MODES.length; m++) {
          modes.add(s[MODE_FIELDS[m]], cpu, MODES[m]);
        }
        guest.add(s[GUEST_NICE], cpu, "nice");
        guest.add(s[GUEST], cpu, "user");
      }
      modes.addTo(out);
      guest.addTo(out);
      if (isolated == null) {
        isolated = readIsolated();
      }
      MetricFamily.Builder isolatedFamily = MetricFamily.gauge("node_cpu_isolated",
          "1 for each CPU isolated from the general scheduler at boot (isolcpus).", "cpu");
      for (String cpu : isolated) {
        isolatedFamily.add(1, cpu);
      }
      isolatedFamily.addTo(out);
    }
    addThermalThrottles(out);
    return out;
  }

  /** Replaces what was read by what is exposed: never lower than before unless the CPU was replugged. */
  private void keepMonotonic(int[] ids, double[][] read, int count) {
    int maxId = -1;
    for (int i = 0; i < count; i++) {
      maxId = Math.max(maxId, ids[i]);
    }
    if (count != exposedCount) {
      exposed = new double[maxId + 1][];
      exposedCount = count;
    } else if (maxId >= exposed.length) {
      exposed = Arrays.copyOf(exposed, maxId + 1);
    }
    if (maxId >= cpuLabels.length) {
      String[] labels = Arrays.copyOf(cpuLabels, maxId + 1);
      for (int i = cpuLabels.length; i < labels.length; i++) {
        labels[i] = Integer.toString(i);
      }
      cpuLabels = labels;
    }
    for (int i = 0; i < count; i++) {
      double[] now = read[i];
      double[] before = exposed[ids[i]];
      if (before == null || before[IDLE] - now[IDLE] >= JUMP_BACK_SECONDS) {
        exposed[ids[i]] = now;
        continue;
      }
      for (int f = 0; f < FIELDS; f++) {
        if (now[f] >= before[f]) {
          before[f] = now[f];
        }
      }
    }
  }

  /**
   * The N of {@code cpuN }, or -1 when it is not a number followed by a space or is beyond any kernel's CPU limit
   * (state is kept in arrays indexed by N).
   */
  private static int cpuNumber(String line) {
    int end = line.indexOf(' ', 3);
    if (end <= 3 || end - 3 > 5) {
      return -1;
    }
    int id = 0;
    for (int i = 3; i < end; i++) {
      char c = line.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      id = id * 10 + (c - '0');
    }
    return id <= MAX_CPU ? id : -1;
  }

  /** The CPU list in sysfs {@code isolated} ("2-3,6"), one label per CPU; counts a list it cannot read. */
  private List<String> readIsolated() throws IOException {
    String list = KernelFiles.text(paths.sys("devices/system/cpu/isolated")).orElse("");
    if (list.isEmpty()) {
      return List.of();
    }
    List<String> cpus = new ArrayList<>();
    for (String range : list.split(",")) {
      int dash = range.indexOf('-');
      try {
        int first = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
        int last = dash < 0 ? first : Integer.parseInt(range.substring(dash + 1));
        for (int cpu = first; cpu <= last; cpu++) {
          cpus.add(Integer.toString(cpu));
        }
      } catch (NumberFormatException e) {
        skipped.add(name());
        return List.of();
      }
    }
    return List.copyOf(cpus);
  }

  /**
   * node_cpu_core_throttles_total{package,core} and node_cpu_package_throttles_total{package}: each core and
   * package is reported once, from the first of its CPUs (in node_exporter's lexical order) that has the counter.
   * CPUs without a {@code thermal_throttle} directory (every VM) cost one stat and no read.
   */
  private void addThermalThrottles(List<MetricFamily> out) throws IOException {
    List<String> cpus = new ArrayList<>();
    Path cpuDir = paths.sys("devices/system/cpu");
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(cpuDir)) {
      for (Path entry : entries) {
        String dir = entry.getFileName().toString();
        if (dir.length() > 3 && dir.startsWith("cpu") && Character.isDigit(dir.charAt(3))) {
          cpus.add(dir);
        }
      }
    } catch (NoSuchFileException e) {
      return; // no sysfs CPU directory: nothing to expose, as when the kernel lacks the counters
    }
    Collections.sort(cpus);
    Map<Long, Map<Long, Long>> cores = new TreeMap<>();
    Map<Long, Long> packages = new TreeMap<>();
    for (String cpu : cpus) {
      Path dir = cpuDir.resolve(cpu);
      Path throttle = dir.resolve("thermal_throttle");
      if (!Files.isDirectory(throttle)) {
        continue;
      }
      OptionalLong pkg = KernelFiles.longValue(dir.resolve("topology/physical_package_id"));
      OptionalLong core = KernelFiles.longValue(dir.resolve("topology/core_id"));
      if (pkg.isEmpty() || core.isEmpty()) {
        continue;
      }
      Map<Long, Long> coresOfPackage = cores.computeIfAbsent(pkg.getAsLong(), k -> new TreeMap<>());
      if (!coresOfPackage.containsKey(core.getAsLong())) {
        KernelFiles.longValue(throttle.resolve("core_throttle_count"))
            .ifPresent(v -> coresOfPackage.put(core.getAsLong(), v));
      }
      if (!packages.containsKey(pkg.getAsLong())) {
        KernelFiles.longValue(throttle.resolve("package_throttle_count"))
            .ifPresent(v -> packages.put(pkg.getAsLong(), v));
      }
    }
    MetricFamily.Builder coreFamily = MetricFamily.counter("node_cpu_core_throttles_total",
        "Times a CPU core was slowed down because it ran too hot.", "package", "core");
    cores.forEach((pkg, coreCounts) -> coreCounts.forEach(
        (core, v) -> coreFamily.add(v, Long.toString(pkg), Long.toString(core))));
    coreFamily.addTo(out);
    MetricFamily.Builder packageFamily = MetricFamily.counter("node_cpu_package_throttles_total",
        "Times a CPU package was slowed down because it ran too hot.", "package");
    packages.forEach((pkg, v) -> packageFamily.add(v, Long.toString(pkg)));
    packageFamily.addTo(out);
  }
}

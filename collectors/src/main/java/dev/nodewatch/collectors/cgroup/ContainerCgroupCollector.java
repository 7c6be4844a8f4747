package dev.nodewatch.collectors.cgroup;

import dev.nodewatch.collectors.metrics.MetricCollector;
import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * cAdvisor's cgroup-based container metrics for every pod and container cgroup kubelet created, named, typed and
 * labelled as kubelet's embedded cAdvisor exposes them so existing dashboards and alerts keep working:
 *
 * <pre>
 * # TYPE container_cpu_usage_seconds_total counter
 * container_cpu_usage_seconds_total{container="app",cpu="total",id="/kubepods.slice/…/cri-containerd-4f….scope",
 *     image="registry/app:1.2",name="4f…",namespace="shop",pod="cart-7d9f"} 81.234
 * </pre>
 *
 * Pod metadata comes from outside ({@code labels}); device names for {@code container_fs_*} from {@code deviceNames}
 * (cAdvisor prints {@code /dev/sda}, not {@code 8:0}). A field the kernel did not give yields no sample, never a 0.
 * Spec limits use 0 for unlimited; {@code container_spec_cpu_quota} is only exposed when a quota is set, as in
 * cAdvisor.
 */
public final class ContainerCgroupCollector implements MetricCollector {

  private static final String[] LABELS = {"container", "id", "image", "name", "namespace", "pod"};
  private static final double NANOS = 1e9;

  private final CgroupDiscovery discovery;
  private final Reader reader;
  private final Function<ContainerCgroup, ContainerLabels> labels;
  private final Function<CgroupStats.DeviceIo, String> deviceNames;

  /** Reads one cgroup's stats by its path relative to the hierarchy root. */
  @FunctionalInterface
  interface Reader {
    CgroupStats read(Path relative) throws IOException;
  }

  public ContainerCgroupCollector(CgroupLayout layout, Function<ContainerCgroup, ContainerLabels> labels,
      Function<CgroupStats.DeviceIo, String> deviceNames, SkippedLines skipped) {
    this.discovery = new CgroupDiscovery(layout);
    if (layout.isUnified()) {
      this.reader = new CgroupV2Reader(layout.root(), skipped)::read;
    } else {
      this.reader = new CgroupV1Reader(layout, skipped)::read;
    }
    this.labels = labels;
    this.deviceNames = deviceNames;
  }

  @Override
  public String name() {
    return "cgroup";
  }

  /** All families of one collection, built as cgroups are read. */
  private static final class Families {
    final MetricFamily.Builder cpuUsage = counter("container_cpu_usage_seconds_total",
        "CPU time the cgroup has used, in seconds.", "cpu");
    final MetricFamily.Builder cpuUser = counter("container_cpu_user_seconds_total",
        "CPU time spent in user mode, in seconds.");
    final MetricFamily.Builder cpuSystem = counter("container_cpu_system_seconds_total",
        "CPU time spent in the kernel, in seconds.");
    final MetricFamily.Builder periods = counter("container_cpu_cfs_periods_total",
        "CFS quota periods that have elapsed.");
    final MetricFamily.Builder throttledPeriods = counter("container_cpu_cfs_throttled_periods_total",
        "CFS quota periods in which the cgroup was throttled.");
    final MetricFamily.Builder throttledSeconds = counter("container_cpu_cfs_throttled_seconds_total",
        "Time the cgroup spent throttled by its CFS quota, in seconds.");
    final MetricFamily.Builder memUsage = gauge("container_memory_usage_bytes",
        "Memory charged to the cgroup, page cache included, in bytes.");
    final MetricFamily.Builder workingSet = gauge("container_memory_working_set_bytes",
        "Memory usage minus inactive page cache, in bytes: what the kubelet evicts on.");
    final MetricFamily.Builder rss = gauge("container_memory_rss", "Anonymous memory (RSS), in bytes.");
    final MetricFamily.Builder cache = gauge("container_memory_cache", "Page cache, in bytes.");
    final MetricFamily.Builder swap = gauge("container_memory_swap", "Swap in use, in bytes.");
    final MetricFamily.Builder mapped = gauge("container_memory_mapped_file",
        "Memory-mapped file pages, in bytes.");
    final MetricFamily.Builder failcnt = counter("container_memory_failcnt", "Times memory usage reached the limit (cgroup v1).");
    final MetricFamily.Builder maxUsage = gauge("container_memory_max_usage_bytes",
        "Highest memory usage seen, in bytes.");
    final MetricFamily.Builder oom = counter("container_oom_events_total",
        "Processes the OOM killer killed in this cgroup.");
    final MetricFamily.Builder specPeriod = gauge("container_spec_cpu_period", "CFS period, in microseconds.");
    final MetricFamily.Builder specQuota = gauge("container_spec_cpu_quota", "CFS quota per period, in microseconds.");
    final MetricFamily.Builder specShares = gauge("container_spec_cpu_shares", "Relative CPU weight, as cgroup v1 shares.");
    final MetricFamily.Builder specMemLimit = gauge("container_spec_memory_limit_bytes",
        "Memory limit in bytes; 0 when unlimited.");
    final MetricFamily.Builder specMemReservation = gauge("container_spec_memory_reservation_limit_bytes",
        "Memory soft limit (reservation) in bytes; 0 when unset.");
    final MetricFamily.Builder specSwapLimit = gauge("container_spec_memory_swap_limit_bytes",
        "Memory plus swap limit in bytes; 0 when unlimited.");
    final MetricFamily.Builder processes = gauge("container_processes",
        "Processes in the cgroup and its children.");
    final MetricFamily.Builder threads = gauge("container_threads", "Threads (tasks) in the cgroup.");
    final MetricFamily.Builder threadsMax = gauge("container_threads_max",
        "Limit on tasks in the cgroup; 0 when unlimited.");
    final MetricFamily.Builder readBytes = counter("container_fs_reads_bytes_total",
        "Bytes read from a block device.", "device");
    final MetricFamily.Builder writeBytes = counter("container_fs_writes_bytes_total",
        "Bytes written to a block device.", "device");
    final MetricFamily.Builder reads = counter("container_fs_reads_total",
        "Reads completed on a block device.", "device");
    final MetricFamily.Builder writes = counter("container_fs_writes_total",
        "Writes completed on a block device.", "device");

    private static String[] names(String... extra) {
      String[] out = java.util.Arrays.copyOf(LABELS, LABELS.length + extra.length);
      System.arraycopy(extra, 0, out, LABELS.length, extra.length);
      return out;
    }

    private static MetricFamily.Builder counter(String name, String help, String... extra) {
      return MetricFamily.counter(name, help, names(extra));
    }

    private static MetricFamily.Builder gauge(String name, String help, String... extra) {
      return MetricFamily.gauge(name, help, names(extra));
    }

    List<MetricFamily> build() {
      List<MetricFamily> out = new ArrayList<>();
      for (MetricFamily.Builder b : List.of(cpuUsage, cpuUser, cpuSystem, periods, throttledPeriods,
          throttledSeconds, memUsage, workingSet, rss, cache, swap, mapped, failcnt, maxUsage, oom, specPeriod,
          specQuota, specShares, specMemLimit, specMemReservation, specSwapLimit, processes, threads, threadsMax, readBytes,
          writeBytes, reads, writes)) {
        b.addTo(out);
      }
      return out;
    }
  }

  @Override
  public List<MetricFamily> collect() throws IOException {
    Families f = new Families();
    for (ContainerCgroup cgroup : discovery.discover()) {
      CgroupStats stats = reader.read(cgroup.path());
      ContainerLabels l = labels.apply(cgroup);
      if (l == null) {
        l = ContainerLabels.UNKNOWN;
      }
      String[] base = {l.container(), cgroup.id(), l.image(), l.name(), l.namespace(), l.pod()};
      add(f, stats, base);
    }
    return f.build();
  }

  private void add(Families f, CgroupStats s, String[] base) {
    CgroupStats.Cpu cpu = s.cpu();
    put(f.cpuUsage, seconds(cpu.usageNanos()), base, "total");
    put(f.cpuUser, seconds(cpu.userNanos()), base);
    put(f.cpuSystem, seconds(cpu.systemNanos()), base);
    // cAdvisor reports CFS statistics only for cgroups with a quota
    if (cpu.quotaMicros() != null && cpu.quotaMicros() > 0) {
      put(f.periods, cpu.periods(), base);
      put(f.throttledPeriods, cpu.throttledPeriods(), base);
      put(f.throttledSeconds, seconds(cpu.throttledNanos()), base);
      put(f.specQuota, cpu.quotaMicros(), base);
    }
    put(f.specPeriod, cpu.periodMicros(), base);
    put(f.specShares, cpu.shares(), base);

    CgroupStats.Memory m = s.memory();
    put(f.memUsage, m.usageBytes(), base);
    put(f.workingSet, m.workingSetBytes(), base);
    put(f.rss, m.rssBytes(), base);
    put(f.cache, m.cacheBytes(), base);
    put(f.swap, m.swapBytes(), base);
    put(f.mapped, m.mappedFileBytes(), base);
    put(f.failcnt, m.failcnt(), base);
    put(f.maxUsage, m.maxUsageBytes(), base);
    put(f.oom, m.oomKills(), base);
    put(f.specMemLimit, m.limitBytes(), base);
    put(f.specMemReservation, m.reservationBytes(), base);
    put(f.specSwapLimit, m.swapLimitBytes(), base);

    put(f.processes, s.pids().processes(), base);
    put(f.threads, s.pids().current(), base);
    put(f.threadsMax, s.pids().max(), base);

    for (CgroupStats.DeviceIo io : s.io()) {
      String device = deviceNames.apply(io);
      put(f.readBytes, (double) io.readBytes(), base, device);
      put(f.writeBytes, (double) io.writeBytes(), base, device);
      put(f.reads, (double) io.reads(), base, device);
      put(f.writes, (double) io.writes(), base, device);
    }
  }

  private static Double seconds(Long nanos) {
    return nanos == null ? null : nanos / NANOS;
  }

  private static void put(MetricFamily.Builder b, Long value, String[] base, String... extra) {
    put(b, value == null ? null : (double) value, base, extra);
  }

  private static void put(MetricFamily.Builder b, Double value, String[] base, String... extra) {
    if (value == null) {
      return;
    }
    String[] labelValues = java.util.Arrays.copyOf(base, base.length + extra.length);
    System.arraycopy(extra, 0, labelValues, base.length, extra.length);
    b.add(value, labelValues);
  }
}

package dev.nodewatch.collectors.cgroup;

import dev.nodewatch.collectors.host.NetDevTable;
import dev.nodewatch.collectors.metrics.MetricCollector;
import dev.nodewatch.collectors.metrics.MetricFamily;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.LongSupplier;

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
 * A field the kernel did not give yields no sample, never a 0; a cgroup removed between discovery and reading yields
 * no series at all. Spec limits use 0 for unlimited; {@code container_spec_cpu_quota} and the CFS counters are only
 * exposed when a quota is set, as in cAdvisor. Network counters are per pod, on the pod-level series
 * ({@code container=""}).
 *
 * <p>Cost: a collection reads ~9 small files per cgroup, which on a node of 1,000 containers is most of its time, so
 * pods are read in {@code parallelism} slices on {@code readers}, and the six spec files are read only every
 * {@code specRefresh}.
 */
public final class ContainerCgroupCollector implements MetricCollector {

  private static final String[] LABELS = {"container", "id", "image", "name", "namespace", "pod"};
  private static final double NANOS = 1e9;

  private final CgroupDiscovery discovery;
  private final CgroupReader reader;
  private final ContainerIdentity identity;
  private final Function<CgroupStats.DeviceIo, String> deviceNames;
  private final PodNetwork network;
  private final long specRefreshNanos;
  private final LongSupplier nanoTime;
  private final Executor readers;
  private final int parallelism;
  private final Map<String, TimedSpec> specs = new ConcurrentHashMap<>();

  /** A spec and when it was read. */
  private record TimedSpec(CgroupSpec spec, long readAtNanos) {}

  /** Everything read for one cgroup in one collection. */
  private record Reading(ContainerCgroup cgroup, CgroupStats stats, CgroupSpec spec,
      List<PodNetwork.Interface> network) {}

  /**
   * A pod cgroup with the container cgroups under it, read together: the pod's process count and network come from
   * its containers.
   */
  private record Pod(ContainerCgroup pod, List<ContainerCgroup> containers) {}

  /**
   * @param network per-pod network counters, or null to expose none
   * @param readers where slices of pods are read; {@code Runnable::run} reads on the calling thread
   */
  public ContainerCgroupCollector(CgroupLayout layout, CgroupReader reader, ContainerIdentity identity,
      Function<CgroupStats.DeviceIo, String> deviceNames, PodNetwork network, Duration specRefresh,
      LongSupplier nanoTime, Executor readers, int parallelism) {
    this.discovery = new CgroupDiscovery(layout);
    this.reader = reader;
    this.identity = identity;
    this.deviceNames = deviceNames;
    this.network = network;
    this.specRefreshNanos = specRefresh.toNanos();
    this.nanoTime = nanoTime;
    this.readers = readers;
    this.parallelism = Math.max(1, parallelism);
  }

  @Override
  public String name() {
    return "cgroup";
  }

  @Override
  public List<MetricFamily> collect() throws IOException {
    List<ContainerCgroup> found = discovery.discover(readers, parallelism);
    List<Families> slices;
    try {
      identity.prepare(found);
      slices = read(pods(found));
    } finally {
      identity.finish();
    }
    forgetSpecsOfVanished(found);
    Families all = slices.get(0);
    for (Families slice : slices.subList(1, slices.size())) {
      all.append(slice);
    }
    return all.build();
  }

  /** Discovery lists each pod cgroup before the containers under it. */
  private static List<Pod> pods(List<ContainerCgroup> found) {
    List<Pod> pods = new ArrayList<>();
    Pod current = null;
    for (ContainerCgroup c : found) {
      if (c.isPod()) {
        current = new Pod(c, new ArrayList<>(2));
        pods.add(current);
      } else if (current != null && c.path().startsWith(current.pod().path())) {
        current.containers().add(c);
      }
    }
    return pods;
  }

  /**
   * Reads every pod into series, in {@code parallelism} contiguous slices, each slice's series in discovery's order
   * (a pod's own series after its containers').
   */
  private List<Families> read(List<Pod> pods) throws IOException {
    return Slices.map(pods, parallelism, readers, slice -> {
      Families f = new Families();
      for (Pod pod : slice) {
        readPod(pod, f);
      }
      return f;
    });
  }

  private void readPod(Pod pod, Families f) throws IOException {
    CgroupStats podStats = reader.stats(pod.pod().path());
    if (vanished(podStats)) {
      return;
    }
    long processes = podStats.pids().processes() == null ? 0 : podStats.pids().processes();
    Long anyPid = podStats.pids().anyPid();
    for (ContainerCgroup container : pod.containers()) {
      CgroupStats stats = reader.stats(container.path());
      if (vanished(stats)) {
        continue;
      }
      add(f, new Reading(container, stats, spec(container), List.of()));
      if (stats.pids().processes() != null) {
        processes += stats.pids().processes();
      }
      if (anyPid == null) {
        anyPid = stats.pids().anyPid();
      }
    }
    CgroupStats.Pids pids = new CgroupStats.Pids(processes, podStats.pids().current(), anyPid);
    podStats = new CgroupStats(podStats.cpu(), podStats.memory(), pids, podStats.io());
    List<PodNetwork.Interface> interfaces = network == null || anyPid == null ? List.of()
        : network.read(anyPid, identity.onHostNetwork(pod.pod()));
    add(f, new Reading(pod.pod(), podStats, spec(pod.pod()), interfaces));
  }

  /** A cgroup removed after discovery reads as all-absent; it gets no series rather than a row of nothing. */
  private static boolean vanished(CgroupStats s) {
    return s.cpu().usageNanos() == null && s.memory().usageBytes() == null && s.pids().processes() == null;
  }

  private CgroupSpec spec(ContainerCgroup cgroup) throws IOException {
    String id = cgroup.id();
    long now = nanoTime.getAsLong();
    TimedSpec cached = specs.get(id);
    if (cached != null && now - cached.readAtNanos() < specRefreshNanos) {
      return cached.spec();
    }
    CgroupSpec spec = reader.spec(cgroup.path());
    specs.put(id, new TimedSpec(spec, now));
    return spec;
  }

  private void forgetSpecsOfVanished(List<ContainerCgroup> found) {
    if (specs.size() <= found.size()) {
      return;
    }
    Set<String> live = new HashSet<>(found.size() * 2);
    for (ContainerCgroup c : found) {
      live.add(c.id());
    }
    specs.keySet().retainAll(live);
  }

  /** All families of one collection (or of one slice of it), built as cgroups are read. */
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
    final MetricFamily.Builder failcnt = counter("container_memory_failcnt",
        "Times memory usage reached the limit (cgroup v1).");
    final MetricFamily.Builder maxUsage = gauge("container_memory_max_usage_bytes",
        "Highest memory usage seen, in bytes.");
    final MetricFamily.Builder oom = counter("container_oom_events_total",
        "Processes the OOM killer killed in this cgroup.");
    final MetricFamily.Builder specPeriod = gauge("container_spec_cpu_period", "CFS period, in microseconds.");
    final MetricFamily.Builder specQuota = gauge("container_spec_cpu_quota", "CFS quota per period, in microseconds.");
    final MetricFamily.Builder specShares = gauge("container_spec_cpu_shares",
        "Relative CPU weight, as cgroup v1 shares.");
    final MetricFamily.Builder specMemLimit = gauge("container_spec_memory_limit_bytes",
        "Memory limit in bytes; 0 when unlimited.");
    final MetricFamily.Builder specMemReservation = gauge("container_spec_memory_reservation_limit_bytes",
        "Memory soft limit (reservation) in bytes; 0 when unset.");
    final MetricFamily.Builder specSwapLimit = gauge("container_spec_memory_swap_limit_bytes",
        "Memory plus swap limit in bytes; 0 when unlimited.");
    final MetricFamily.Builder startTime = gauge("container_start_time_seconds",
        "When the cgroup was created, in seconds since the epoch.");
    final MetricFamily.Builder processes = gauge("container_processes",
        "Processes in the cgroup and its containers.");
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
    final MetricFamily.Builder rxBytes = counter("container_network_receive_bytes_total",
        "Bytes the pod received on an interface.", "interface");
    final MetricFamily.Builder rxPackets = counter("container_network_receive_packets_total",
        "Packets the pod received on an interface.", "interface");
    final MetricFamily.Builder rxDropped = counter("container_network_receive_packets_dropped_total",
        "Incoming packets dropped on an interface of the pod.", "interface");
    final MetricFamily.Builder rxErrors = counter("container_network_receive_errors_total",
        "Receive errors on an interface of the pod.", "interface");
    final MetricFamily.Builder txBytes = counter("container_network_transmit_bytes_total",
        "Bytes the pod sent on an interface.", "interface");
    final MetricFamily.Builder txPackets = counter("container_network_transmit_packets_total",
        "Packets the pod sent on an interface.", "interface");
    final MetricFamily.Builder txDropped = counter("container_network_transmit_packets_dropped_total",
        "Outgoing packets dropped on an interface of the pod.", "interface");
    final MetricFamily.Builder txErrors = counter("container_network_transmit_errors_total",
        "Transmit errors on an interface of the pod.", "interface");

    private static String[] names(String... extra) {
      String[] out = Arrays.copyOf(LABELS, LABELS.length + extra.length);
      System.arraycopy(extra, 0, out, LABELS.length, extra.length);
      return out;
    }

    private static MetricFamily.Builder counter(String name, String help, String... extra) {
      return MetricFamily.counter(name, help, names(extra));
    }

    private static MetricFamily.Builder gauge(String name, String help, String... extra) {
      return MetricFamily.gauge(name, help, names(extra));
    }

    private List<MetricFamily.Builder> all() {
      return List.of(cpuUsage, cpuUser, cpuSystem, periods, throttledPeriods,
          throttledSeconds, memUsage, workingSet, rss, cache, swap, mapped, failcnt, maxUsage, oom, specPeriod,
          specQuota, specShares, specMemLimit, specMemReservation, specSwapLimit, startTime, processes, threads,
          threadsMax, readBytes, writeBytes, reads, writes, rxBytes, rxPackets, rxDropped, rxErrors, txBytes,
          txPackets, txDropped, txErrors);
    }

    /** Appends another slice's series, family by family. */
    void append(Families other) {
      List<MetricFamily.Builder> mine = all();
      List<MetricFamily.Builder> theirs = other.all();
      for (int i = 0; i < mine.size(); i++) {
        mine.get(i).addAll(theirs.get(i));
      }
    }

    List<MetricFamily> build() {
      List<MetricFamily> out = new ArrayList<>();
      for (MetricFamily.Builder b : all()) {
        b.addTo(out);
      }
      return out;
    }
  }

  private void add(Families f, Reading r) {
    ContainerLabels l = identity.labels(r.cgroup());
    if (l == null) {
      l = ContainerLabels.UNKNOWN;
    }
    String[] base = {l.container(), r.cgroup().id(), l.image(), l.name(), l.namespace(), l.pod()};
    // one immutable list shared by every series of this cgroup that has no label of its own
    List<String> labels = List.of(base);
    CgroupStats s = r.stats();
    CgroupSpec spec = r.spec();
    CgroupStats.Cpu cpu = s.cpu();
    put(f.cpuUsage, seconds(cpu.usageNanos()), base, "total");
    put(f.cpuUser, seconds(cpu.userNanos()), labels);
    put(f.cpuSystem, seconds(cpu.systemNanos()), labels);
    // cAdvisor reports CFS statistics only for cgroups with a quota
    if (spec.cpuQuotaMicros() != null && spec.cpuQuotaMicros() > 0) {
      put(f.periods, cpu.periods(), labels);
      put(f.throttledPeriods, cpu.throttledPeriods(), labels);
      put(f.throttledSeconds, seconds(cpu.throttledNanos()), labels);
      put(f.specQuota, spec.cpuQuotaMicros(), labels);
    }
    put(f.specPeriod, spec.cpuPeriodMicros(), labels);
    put(f.specShares, spec.cpuShares(), labels);
    put(f.specMemLimit, spec.memoryLimitBytes(), labels);
    put(f.specMemReservation, spec.memoryReservationBytes(), labels);
    put(f.specSwapLimit, spec.swapLimitBytes(), labels);
    put(f.threadsMax, spec.pidsMax(), labels);
    put(f.startTime, spec.createdSeconds(), labels);

    CgroupStats.Memory m = s.memory();
    put(f.memUsage, m.usageBytes(), labels);
    put(f.workingSet, m.workingSetBytes(), labels);
    put(f.rss, m.rssBytes(), labels);
    put(f.cache, m.cacheBytes(), labels);
    put(f.swap, m.swapBytes(), labels);
    put(f.mapped, m.mappedFileBytes(), labels);
    put(f.failcnt, m.failcnt(), labels);
    put(f.maxUsage, m.maxUsageBytes(), labels);
    put(f.oom, m.oomKills(), labels);

    put(f.processes, s.pids().processes(), labels);
    put(f.threads, s.pids().current(), labels);

    for (CgroupStats.DeviceIo io : s.io()) {
      String device = deviceNames.apply(io);
      put(f.readBytes, (double) io.readBytes(), base, device);
      put(f.writeBytes, (double) io.writeBytes(), base, device);
      put(f.reads, (double) io.reads(), base, device);
      put(f.writes, (double) io.writes(), base, device);
    }
    for (PodNetwork.Interface n : r.network()) {
      put(f.rxBytes, NetDevTable.toDouble(n.rxBytes()), base, n.name());
      put(f.rxPackets, NetDevTable.toDouble(n.rxPackets()), base, n.name());
      put(f.rxDropped, NetDevTable.toDouble(n.rxDropped()), base, n.name());
      put(f.rxErrors, NetDevTable.toDouble(n.rxErrors()), base, n.name());
      put(f.txBytes, NetDevTable.toDouble(n.txBytes()), base, n.name());
      put(f.txPackets, NetDevTable.toDouble(n.txPackets()), base, n.name());
      put(f.txDropped, NetDevTable.toDouble(n.txDropped()), base, n.name());
      put(f.txErrors, NetDevTable.toDouble(n.txErrors()), base, n.name());
    }
  }

  private static Double seconds(Long nanos) {
    return nanos == null ? null : nanos / NANOS;
  }

  private static void put(MetricFamily.Builder b, Long value, List<String> labels) {
    if (value != null) {
      b.add(value, labels);
    }
  }

  private static void put(MetricFamily.Builder b, Double value, List<String> labels) {
    if (value != null) {
      b.add(value, labels);
    }
  }

  private static void put(MetricFamily.Builder b, Long value, String[] base, String... extra) {
    put(b, value == null ? null : (double) value, base, extra);
  }

  private static void put(MetricFamily.Builder b, Double value, String[] base, String... extra) {
    if (value == null) {
      return;
    }
    String[] labelValues = Arrays.copyOf(base, base.length + extra.length);
    System.arraycopy(extra, 0, labelValues, base.length, extra.length);
    b.add(value, labelValues);
  }
}

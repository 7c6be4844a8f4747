package dev.nodewatch.exporters.prometheus;

import dev.nodewatch.collectors.cgroup.CgroupLayout;
import dev.nodewatch.collectors.cgroup.CgroupReader;
import dev.nodewatch.collectors.cgroup.ContainerCgroupCollector;
import dev.nodewatch.collectors.cgroup.ContainerLabels;
import dev.nodewatch.collectors.cgroup.HostSwap;
import dev.nodewatch.collectors.metrics.CollectionRunner;
import dev.nodewatch.collectors.metrics.SkippedLines;
import io.prometheus.client.CollectorRegistry;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Benchmark, not a test (run by {@code bench/containers.sh}): builds a synthetic cgroup v2 tree of N containers in
 * the systemd layout and times what a scrape of container metrics costs: one collection through the same runner
 * the agent uses, plus rendering the Prometheus text format. Prints p50/p99 wall time, CPU and allocation per scrape
 * (all threads of the process), the series per container and the body size, twice: steady state (limits cached, as
 * between refreshes) and cold (every file read, as on the first scrape and once per {@code spec_refresh}). The files
 * have the lines a 6.x kernel writes (memory.stat's ~50 keys, memory.peak), with made-up values.
 *
 * <p>Usage: {@code ContainerScrapeBench <containers> <iterations> <dir>}
 */
public final class ContainerScrapeBench {

  private static final int PARALLELISM = 2;
  /** The keys a 6.x kernel writes in a cgroup's memory.stat, in its order (values made up). */
  private static final String MEMORY_STAT = String.join("", java.util.stream.Stream.of("anon", "file", "kernel",
      "kernel_stack", "pagetables", "sec_pagetables", "percpu", "sock", "vmalloc", "shmem", "zswap", "zswapped",
      "file_mapped", "file_dirty", "file_writeback", "swapcached", "anon_thp", "file_thp", "shmem_thp",
      "inactive_anon", "active_anon", "inactive_file", "active_file", "unevictable", "slab_reclaimable",
      "slab_unreclaimable", "slab", "workingset_refault_anon", "workingset_refault_file", "workingset_activate_anon",
      "workingset_activate_file", "workingset_restore_anon", "workingset_restore_file", "workingset_nodereclaim",
      "pgscan", "pgsteal", "pgscan_kswapd", "pgscan_direct", "pgsteal_kswapd", "pgsteal_direct", "pgfault",
      "pgmajfault", "pgrefill", "pgactivate", "pgdeactivate", "pglazyfree", "pglazyfreed", "zswpin", "zswpout",
      "thp_fault_alloc", "thp_collapse_alloc").map(k -> k + " " + (k.length() * 1048576L) + "\n").toList());

  private ContainerScrapeBench() {}

  public static void main(String[] args) throws Exception {
    int containers = Integer.parseInt(args[0]);
    int iterations = Integer.parseInt(args[1]);
    Path root = Files.createDirectories(Path.of(args[2]));
    build(root, containers);
    ExecutorService readers = Executors.newFixedThreadPool(PARALLELISM);
    try {
      run("steady", root, containers, iterations, Duration.ofHours(1), readers);
      run("cold", root, containers, iterations, Duration.ZERO, readers);
    } finally {
      readers.shutdownNow();
    }
  }

  private static void run(String kind, Path root, int containers, int iterations, Duration specRefresh,
      ExecutorService readers) throws Exception {
    CgroupLayout layout = CgroupLayout.detect(root);
    SkippedLines skipped = new SkippedLines();
    // This machine's own swap state decides, as it would for the agent.
    HostSwap swap = new HostSwap(Path.of("/proc"), System::nanoTime);
    ContainerCgroupCollector collector = new ContainerCgroupCollector(layout, CgroupReader.forLayout(layout, skipped, swap),
        c -> new ContainerLabels(c.containerId() == null ? "" : c.containerId(), "registry.example/app:1.0", "bench",
            "pod-" + c.podUid().substring(0, 8), c.containerId() == null ? "" : "app"),
        d -> "/dev/vda", null, specRefresh, System::nanoTime, readers, PARALLELISM);
    CollectorRegistry registry = new CollectorRegistry(true);
    try (CollectionRunner runner = new CollectionRunner("containers", List.of(collector), Duration.ofSeconds(30))) {
      PrometheusExposition exposition = new PrometheusExposition(registry,
          new CollectedMetrics(List.of(new CollectedMetrics.Source(runner, null)), skipped), readers);
      var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      for (int i = 0; i < Math.max(10, iterations / 5); i++) {
        exposition.render(null, List.of());
      }
      List<Double> wall = new ArrayList<>();
      long cpu0 = os.getProcessCpuTime();
      long alloc0 = allocated(threads);
      int body = 0;
      for (int i = 0; i < iterations; i++) {
        long t0 = System.nanoTime();
        body = exposition.render(null, List.of()).length();
        wall.add((System.nanoTime() - t0) / 1e6);
      }
      double cpu = (os.getProcessCpuTime() - cpu0) / 1e6 / iterations;
      double alloc = (allocated(threads) - alloc0) / 1024.0 / 1024 / iterations;
      int series = collector.collect().stream().mapToInt(f -> f.samples().size()).sum();
      List<Double> collectOnly = new ArrayList<>();
      for (int i = 0; i < Math.max(5, iterations / 3); i++) {
        long t0 = System.nanoTime();
        collector.collect();
        collectOnly.add((System.nanoTime() - t0) / 1e6);
      }
      Collections.sort(collectOnly);
      Collections.sort(wall);
      System.out.printf(Locale.ROOT,
          "| %d containers, %s | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f MiB | %.1f | %d KiB |%n",
          containers, kind + (swap.getAsBoolean() ? "" : ", host without swap"), wall.get(wall.size() / 2), collectOnly.get(collectOnly.size() / 2),
          wall.get((int) Math.min(wall.size() - 1, Math.round(wall.size() * 0.99))), cpu, alloc,
          (double) series / containers, body / 1024);
    }
  }

  /** Bytes allocated so far by every live thread: the collection runs on the runner's and the readers' threads. */
  private static long allocated(com.sun.management.ThreadMXBean threads) {
    long sum = 0;
    for (long a : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
      sum += Math.max(0, a);
    }
    return sum;
  }

  /** Pods of 2 containers each under kubepods.slice/kubepods-burstable.slice, containerd scopes, real-looking files. */
  private static void build(Path root, int containers) throws Exception {
    Files.writeString(root.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
    Path qos = Files.createDirectories(root.resolve("kubepods.slice/kubepods-burstable.slice"));
    for (int i = 0; i < containers; i += 2) {
      String uid = String.format(Locale.ROOT, "%08x-0000-4000-8000-%012x", i, i);
      Path pod = Files.createDirectories(qos.resolve("kubepods-burstable-pod" + uid.replace('-', '_') + ".slice"));
      files(pod, i);
      for (int c = 0; c < 2 && i + c < containers; c++) {
        String id = String.format(Locale.ROOT, "%064x", (long) i * 2 + c + 1);
        files(Files.createDirectories(pod.resolve("cri-containerd-" + id + ".scope")), i + c);
      }
    }
  }

  private static void files(Path dir, int n) throws Exception {
    Files.writeString(dir.resolve("cpu.stat"), "usage_usec " + (1_000_000L + n) + "\nuser_usec 600000\n"
        + "system_usec 400000\ncore_sched.force_idle_usec 0\nnr_periods 1000\nnr_throttled 10\n"
        + "throttled_usec 5000\nnr_bursts 0\nburst_usec 0\n");
    Files.writeString(dir.resolve("cpu.max"), "200000 100000\n");
    Files.writeString(dir.resolve("cpu.weight"), "79\n");
    Files.writeString(dir.resolve("memory.current"), (64L << 20) + "\n");
    Files.writeString(dir.resolve("memory.peak"), (80L << 20) + "\n"); // kernels 5.19 and later
    Files.writeString(dir.resolve("memory.stat"), MEMORY_STAT);
    Files.writeString(dir.resolve("memory.max"), (256L << 20) + "\n");
    Files.writeString(dir.resolve("memory.low"), "0\n");
    Files.writeString(dir.resolve("memory.swap.current"), "0\n");
    Files.writeString(dir.resolve("memory.swap.max"), "max\n");
    Files.writeString(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n");
    Files.writeString(dir.resolve("pids.current"), "12\n");
    Files.writeString(dir.resolve("pids.max"), "max\n");
    Files.writeString(dir.resolve("io.stat"), "254:0 rbytes=1048576 wbytes=2097152 rios=10 wios=20 dbytes=0 dios=0\n");
    Files.writeString(dir.resolve("cgroup.procs"), (1000 + n) + "\n");
  }
}

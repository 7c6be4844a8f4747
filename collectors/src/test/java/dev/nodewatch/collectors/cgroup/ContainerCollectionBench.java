package dev.nodewatch.collectors.cgroup;

import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark, not a test (run by {@code bench/containers.sh}): builds a synthetic cgroup v2 tree of N containers in
 * the systemd layout and times {@link ContainerCgroupCollector#collect()} over it, printing p50/p99 wall time, CPU
 * and allocation per collection and the series count per container.
 *
 * <p>Usage: {@code ContainerCollectionBench <containers> <iterations> <dir>}
 */
public final class ContainerCollectionBench {

  private ContainerCollectionBench() {}

  public static void main(String[] args) throws Exception {
    int containers = Integer.parseInt(args[0]);
    int iterations = Integer.parseInt(args[1]);
    Path root = Files.createDirectories(Path.of(args[2]));
    build(root, containers);
    ContainerCgroupCollector collector = new ContainerCgroupCollector(CgroupLayout.detect(root),
        c -> new ContainerLabels("name", "registry.example/app:1.0", "bench", "pod-" + c.podUid().substring(0, 8),
            c.containerId() == null ? "" : "app"),
        d -> "/dev/vda", new SkippedLines());
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (int i = 0; i < Math.max(10, iterations / 5); i++) {
      collector.collect();
    }
    List<Double> wall = new ArrayList<>();
    long cpu0 = threads.getCurrentThreadCpuTime();
    long alloc0 = threads.getCurrentThreadAllocatedBytes();
    int series = 0;
    for (int i = 0; i < iterations; i++) {
      long t0 = System.nanoTime();
      List<MetricFamily> families = collector.collect();
      wall.add((System.nanoTime() - t0) / 1e6);
      series = families.stream().mapToInt(f -> f.samples().size()).sum();
    }
    double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e6 / iterations;
    double alloc = (threads.getCurrentThreadAllocatedBytes() - alloc0) / 1024.0 / 1024 / iterations;
    Collections.sort(wall);
    System.out.printf(Locale.ROOT, "| %d containers | %.1f ms | %.1f ms | %.1f ms | %.1f MiB | %d (%.1f per container) |%n",
        containers, wall.get(wall.size() / 2), wall.get((int) Math.min(wall.size() - 1, Math.round(wall.size() * 0.99))),
        cpu, alloc, series, (double) series / containers);
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
        + "system_usec 400000\nnr_periods 1000\nnr_throttled 10\nthrottled_usec 5000\n");
    Files.writeString(dir.resolve("cpu.max"), "200000 100000\n");
    Files.writeString(dir.resolve("cpu.weight"), "79\n");
    Files.writeString(dir.resolve("memory.current"), (64L << 20) + "\n");
    Files.writeString(dir.resolve("memory.stat"), "anon 50331648\nfile 16777216\nfile_mapped 4194304\n"
        + "inactive_file 8388608\nactive_file 8388608\nshmem 0\nkernel_stack 65536\n");
    Files.writeString(dir.resolve("memory.max"), (256L << 20) + "\n");
    Files.writeString(dir.resolve("memory.low"), "0\n");
    Files.writeString(dir.resolve("memory.swap.current"), "0\n");
    Files.writeString(dir.resolve("memory.swap.max"), "max\n");
    Files.writeString(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n");
    Files.writeString(dir.resolve("pids.current"), "12\n");
    Files.writeString(dir.resolve("pids.max"), "max\n");
    Files.writeString(dir.resolve("io.stat"), "254:0 rbytes=1048576 wbytes=2097152 rios=10 wios=20 dbytes=0 dios=0\n");
    Files.writeString(dir.resolve("cgroup.procs"), (1000 + n) + "\n");
  }
}

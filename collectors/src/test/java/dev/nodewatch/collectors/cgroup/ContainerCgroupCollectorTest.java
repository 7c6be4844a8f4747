package dev.nodewatch.collectors.cgroup;

import static dev.nodewatch.collectors.cgroup.CgroupTrees.ID;
import static dev.nodewatch.collectors.cgroup.CgroupTrees.UID_;
import static dev.nodewatch.collectors.cgroup.CgroupTrees.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import dev.nodewatch.collectors.metrics.Sample;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerCgroupCollectorTest {

  private static final String POD = "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + UID_ + ".slice";
  private static final String CONTAINER = POD + "/cri-containerd-" + ID + ".scope";

  @TempDir
  Path root;

  private final SkippedLines skipped = new SkippedLines();
  private final AtomicLong clock = new AtomicLong();

  private void writeTree() {
    write(root, "cgroup.controllers", "cpu memory pids io\n");
    write(root, CONTAINER + "/cpu.stat", "usage_usec 1500000\nuser_usec 1000000\nsystem_usec 500000\n"
        + "nr_periods 10\nnr_throttled 1\nthrottled_usec 250000\n");
    write(root, CONTAINER + "/cpu.max", "50000 100000\n");
    write(root, CONTAINER + "/memory.current", "1000\n");
    write(root, CONTAINER + "/memory.stat", "anon 600\nfile 400\ninactive_file 300\n");
    write(root, CONTAINER + "/memory.max", "max\n");
    write(root, CONTAINER + "/io.stat", "8:0 rbytes=10 wbytes=20 rios=1 wios=2\n");
    write(root, POD + "/cpu.stat", "usage_usec 2000000\n");
    write(root, POD + "/cgroup.procs", "");
    write(root, CONTAINER + "/cgroup.procs", "41\n42\n");
    write(root, POD + "/cpu.max", "max 100000\n");
  }

  private ContainerCgroupCollector collector(PodNetwork network, Executor readers, int parallelism) {
    CgroupLayout layout = CgroupLayout.detect(root);
    return new ContainerCgroupCollector(layout, new CgroupV2Reader(root, skipped),
        c -> c.isPod() ? null : new ContainerLabels(ID, "registry/app:1", "shop", "cart", "app"),
        io -> "/dev/sda", network, Duration.ofSeconds(60), clock::get, readers, parallelism);
  }

  private List<MetricFamily> collect() throws Exception {
    writeTree();
    return collector(null, Runnable::run, 1).collect();
  }

  private static Map<String, MetricFamily> byName(List<MetricFamily> families) {
    return families.stream().collect(Collectors.toMap(MetricFamily::name, f -> f));
  }

  private static Map<String, String> labels(MetricFamily family, Sample sample) {
    return java.util.stream.IntStream.range(0, family.labelNames().size()).boxed()
        .collect(Collectors.toMap(family.labelNames()::get, sample.labelValues()::get));
  }

  @Test
  void containerSeriesCarryCadvisorNamesTypesAndLabels() throws Exception {
    Map<String, MetricFamily> families = byName(collect());

    MetricFamily usage = families.get("container_cpu_usage_seconds_total");
    assertThat(usage.type()).isEqualTo(MetricType.COUNTER);
    Sample container = usage.samples().stream()
        .filter(s -> labels(usage, s).get("container").equals("app")).findFirst().orElseThrow();
    assertThat(container.value()).isEqualTo(1.5);
    assertThat(labels(usage, container)).containsEntry("cpu", "total").containsEntry("namespace", "shop")
        .containsEntry("pod", "cart").containsEntry("image", "registry/app:1").containsEntry("name", ID)
        .containsEntry("id", "/" + CONTAINER);
    assertThat(families.get("container_memory_working_set_bytes").type()).isEqualTo(MetricType.GAUGE);
    assertThat(families.get("container_memory_working_set_bytes").samples()).extracting(Sample::value)
        .containsExactly(700.0);
    assertThat(families.get("container_spec_memory_limit_bytes").samples()).extracting(Sample::value)
        .containsExactly(0.0);
    assertThat(families.get("container_cpu_cfs_throttled_seconds_total").samples()).extracting(Sample::value)
        .containsExactly(0.25);
    MetricFamily reads = families.get("container_fs_reads_bytes_total");
    assertThat(labels(reads, reads.samples().get(0))).containsEntry("device", "/dev/sda");
    assertThat(reads.samples().get(0).value()).isEqualTo(10.0);
  }

  @Test
  void aPodWithoutQuotaHasNoCfsSeriesAndUnknownMetadataGivesEmptyLabels() throws Exception {
    Map<String, MetricFamily> families = byName(collect());

    MetricFamily usage = families.get("container_cpu_usage_seconds_total");
    assertThat(usage.samples()).hasSize(2);
    Sample pod = usage.samples().stream()
        .filter(s -> labels(usage, s).get("id").equals("/" + POD)).findFirst().orElseThrow();
    assertThat(pod.value()).isEqualTo(2.0);
    assertThat(labels(usage, pod)).containsEntry("pod", "").containsEntry("container", "");
    assertThat(families.get("container_cpu_cfs_periods_total").samples()).hasSize(1);
    assertThat(families.get("container_spec_cpu_quota").samples()).hasSize(1);
    MetricFamily processes = families.get("container_processes");
    assertThat(processes.samples()).extracting(Sample::value).containsExactlyInAnyOrder(2.0, 2.0);
  }

  @Test
  void fieldsTheKernelDidNotGiveProduceNoFamilies() throws Exception {
    Map<String, MetricFamily> families = byName(collect());
    assertThat(families).doesNotContainKeys("container_memory_failcnt", "container_threads",
        "container_memory_swap");
  }

  @Test
  void specFilesAreReadAgainOnlyAfterTheRefreshInterval() throws Exception {
    writeTree();
    ContainerCgroupCollector collector = collector(null, Runnable::run, 1);
    assertThat(single(collector.collect(), "container_spec_cpu_quota", "app")).isEqualTo(50_000.0);

    write(root, CONTAINER + "/cpu.max", "80000 100000\n");
    write(root, CONTAINER + "/cpu.stat", "usage_usec 3000000\n");
    clock.set(Duration.ofSeconds(59).toNanos());
    List<MetricFamily> within = collector.collect();
    assertThat(single(within, "container_spec_cpu_quota", "app")).isEqualTo(50_000.0);
    assertThat(single(within, "container_cpu_usage_seconds_total", "app")).isEqualTo(3.0);

    clock.set(Duration.ofSeconds(61).toNanos());
    assertThat(single(collector.collect(), "container_spec_cpu_quota", "app")).isEqualTo(80_000.0);
  }

  @Test
  void aContainerWhoseCgroupIsRemovedLosesItsSeriesOnTheNextCollection() throws Exception {
    writeTree();
    ContainerCgroupCollector collector = collector(null, Runnable::run, 1);
    assertThat(byName(collector.collect()).get("container_spec_cpu_period").samples()).hasSize(2);

    deleteTree(root.resolve(CONTAINER));
    Map<String, MetricFamily> after = byName(collector.collect());

    for (MetricFamily family : after.values()) {
      assertThat(family.samples()).as(family.name())
          .allSatisfy(sample -> assertThat(labels(family, sample).get("container")).isEmpty());
    }
    assertThat(after.get("container_processes").samples()).extracting(Sample::value).containsExactly(0.0);
    assertThat(skipped.count(CgroupFiles.COLLECTOR)).isZero();
  }

  @Test
  void readingInParallelSlicesGivesTheSameSeriesInTheSameOrder() throws Exception {
    writeTree();
    for (int i = 0; i < 7; i++) {
      String pod = "kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + i + "aaaaaaa_bbbb.slice";
      write(root, pod + "/cpu.stat", "usage_usec " + i + "\n");
      write(root, pod + "/cri-containerd-" + String.format("%064d", i) + ".scope/cpu.stat", "usage_usec 7\n");
    }
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<MetricFamily> sequential = collector(null, Runnable::run, 1).collect();
      List<MetricFamily> parallel = collector(null, pool, 3).collect();
      assertThat(parallel).isEqualTo(sequential);
      assertThat(byName(parallel).get("container_cpu_usage_seconds_total").samples()).hasSize(16);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void podNetworkComesFromAProcessOfItsContainersWithoutLoopback(@TempDir Path proc) throws Exception {
    writeTree();
    write(proc, "41/net/dev", """
        Inter-|   Receive                                                |  Transmit
         face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
            lo:     100       1    0    0    0     0          0         0      100       1    0    0    0     0       0          0
          eth0:    5000      40    1    2    0     0          0         0     7000      50    3    4    0     0       0          0
        """);
    Map<String, MetricFamily> families = byName(collector(new PodNetwork(proc, skipped), Runnable::run, 1).collect());

    MetricFamily rx = families.get("container_network_receive_bytes_total");
    assertThat(rx.samples()).hasSize(1);
    Map<String, String> l = labels(rx, rx.samples().get(0));
    assertThat(l).containsEntry("interface", "eth0").containsEntry("container", "").containsEntry("id", "/" + POD);
    assertThat(rx.samples().get(0).value()).isEqualTo(5000.0);
    assertThat(families.get("container_network_receive_packets_dropped_total").samples().get(0).value()).isEqualTo(2);
    assertThat(families.get("container_network_transmit_errors_total").samples().get(0).value()).isEqualTo(3);
  }

  @Test
  void aPodOnTheHostNetworkGetsNoNetworkSeries(@TempDir Path proc) throws Exception {
    writeTree();
    write(proc, "41/net/dev", "h\nh\n  eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n");
    Files.createDirectories(proc.resolve("41/ns"));
    Files.createDirectories(proc.resolve("1/ns"));
    Files.createSymbolicLink(proc.resolve("41/ns/net"), Path.of("net:[4026531840]"));
    Files.createSymbolicLink(proc.resolve("1/ns/net"), Path.of("net:[4026531840]"));

    Map<String, MetricFamily> families = byName(collector(new PodNetwork(proc, skipped), Runnable::run, 1).collect());

    assertThat(families).doesNotContainKey("container_network_receive_bytes_total");
  }

  private static double single(List<MetricFamily> families, String name, String container) {
    MetricFamily family = byName(families).get(name);
    return family.samples().stream().filter(s -> labels(family, s).get("container").equals(container))
        .findFirst().orElseThrow().value();
  }

  private static void deleteTree(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void aPodTheKubeletSaysIsOnTheHostNetworkGetsNoNetworkSeries(@TempDir Path proc) throws Exception {
    writeTree();
    write(proc, "41/net/dev", "h\nh\n  eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n");
    ContainerIdentity hostNetworkPods = new ContainerIdentity() {
      @Override
      public ContainerLabels labels(ContainerCgroup cgroup) {
        return ContainerLabels.UNKNOWN;
      }

      @Override
      public java.util.Optional<Boolean> onHostNetwork(ContainerCgroup pod) {
        return java.util.Optional.of(true);
      }
    };
    ContainerCgroupCollector collector = new ContainerCgroupCollector(CgroupLayout.detect(root),
        new CgroupV2Reader(root, skipped), hostNetworkPods, io -> "/dev/sda", new PodNetwork(proc, skipped),
        Duration.ofSeconds(60), clock::get, Runnable::run, 1);

    assertThat(byName(collector.collect())).doesNotContainKey("container_network_receive_bytes_total");
  }
}

package dev.nodewatch.collectors.cgroup;

import static dev.nodewatch.collectors.cgroup.CgroupTrees.ID;
import static dev.nodewatch.collectors.cgroup.CgroupTrees.UID_;
import static dev.nodewatch.collectors.cgroup.CgroupTrees.write;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import dev.nodewatch.collectors.metrics.Sample;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerCgroupCollectorTest {

  private static final String POD = "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + UID_ + ".slice";
  private static final String CONTAINER = POD + "/cri-containerd-" + ID + ".scope";

  @TempDir
  Path root;

  private List<MetricFamily> collect() throws Exception {
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
    ContainerCgroupCollector collector = new ContainerCgroupCollector(CgroupLayout.detect(root),
        c -> c.isPod() ? null : new ContainerLabels(ID, "registry/app:1", "shop", "cart", "app"),
        io -> "/dev/sda", new SkippedLines());
    return collector.collect();
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
}

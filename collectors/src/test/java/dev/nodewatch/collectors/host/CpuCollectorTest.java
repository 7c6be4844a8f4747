package dev.nodewatch.collectors.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import dev.nodewatch.collectors.metrics.Sample;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuCollectorTest {

  private final SkippedLines skipped = new SkippedLines();

  @TempDir
  Path tmp;

  @Test
  void exposesEightModesAndTwoGuestModesPerCpuInSecondsLikeNodeExporter() throws Exception {
    List<MetricFamily> families = new CpuCollector(HostFixtures.paths("basic"), skipped).collect();

    // This VM has no isolated CPUs and no thermal throttle counters: only the two time families.
    assertThat(families).extracting(MetricFamily::name)
        .containsExactly("node_cpu_seconds_total", "node_cpu_guest_seconds_total");
    assertThat(families).extracting(MetricFamily::type).containsOnly(MetricType.COUNTER);
    assertThat(families).extracting(MetricFamily::labelNames).containsOnly(List.of("cpu", "mode"));
    assertThat(families.get(0).samples()).hasSize(16);
    assertThat(families.get(1).samples()).hasSize(4);
    // cpu0 37030 0 8915 234192 86 0 1986 0 0 0 (node_exporter 1.5 on the same file gives these values)
    assertThat(seconds(families, "0", "user")).isEqualTo(370.3);
    assertThat(seconds(families, "0", "nice")).isEqualTo(0);
    assertThat(seconds(families, "0", "system")).isEqualTo(89.15);
    assertThat(seconds(families, "0", "idle")).isEqualTo(2341.92);
    assertThat(seconds(families, "0", "iowait")).isEqualTo(0.86);
    assertThat(seconds(families, "0", "irq")).isEqualTo(0);
    assertThat(seconds(families, "0", "softirq")).isEqualTo(19.86);
    assertThat(seconds(families, "0", "steal")).isEqualTo(0);
    assertThat(seconds(families, "1", "user")).isEqualTo(389.3);
    assertThat(seconds(families, "1", "system")).isEqualTo(101.03);
    assertThat(seconds(families, "1", "idle")).isEqualTo(2305.22);
    assertThat(seconds(families, "1", "iowait")).isEqualTo(5.57);
    assertThat(seconds(families, "1", "softirq")).isEqualTo(20.48);
    assertThat(HostFixtures.value(families, "node_cpu_guest_seconds_total", "cpu", "1", "mode", "user")).isZero();
    assertThat(skipped.count("cpu")).isZero();
  }

  @Test
  void theAllCpuTotalLineIsNotExposed() throws Exception {
    List<MetricFamily> families = new CpuCollector(HostFixtures.paths("basic"), skipped).collect();

    assertThat(families.get(0).samples()).extracting(s -> s.labelValues().get(0)).containsOnly("0", "1");
  }

  @Test
  void guestTimeIsExposedOnItsOwnByMode() throws Exception {
    List<MetricFamily> families = new CpuCollector(HostFixtures.paths("garbage"), skipped).collect();

    // cpu2 200 5 100 2000 20 1 10 3 2 1: guest 2 ticks, guest_nice 1 tick
    assertThat(HostFixtures.value(families, "node_cpu_guest_seconds_total", "cpu", "2", "mode", "user"))
        .isEqualTo(0.02);
    assertThat(HostFixtures.value(families, "node_cpu_guest_seconds_total", "cpu", "2", "mode", "nice"))
        .isEqualTo(0.01);
    assertThat(seconds(families, "2", "steal")).isEqualTo(0.03);
    assertThat(seconds(families, "2", "irq")).isEqualTo(0.01);
  }

  @Test
  void malformedCpuLinesAreSkippedAndCountedAndTheOthersKept() throws Exception {
    List<MetricFamily> families = new CpuCollector(HostFixtures.paths("garbage"), skipped).collect();

    // "cpu1 1x0 ..." has a non-number and "cpuZ ..." no CPU number; the isolated list "1-x" is not a list.
    assertThat(families.get(0).samples()).extracting(s -> s.labelValues().get(0)).containsOnly("0", "2");
    assertThat(seconds(families, "0", "user")).isEqualTo(1.0);
    assertThat(HostFixtures.byName(families)).doesNotContainKey("node_cpu_isolated");
    assertThat(skipped.count("cpu")).isEqualTo(3);
  }

  @Test
  void fieldsAnOldKernelDoesNotPrintAreZero() throws Exception {
    List<MetricFamily> families = new CpuCollector(HostFixtures.paths("old-kernel"), skipped).collect();

    // cpu0 100 1 50 4000: no iowait, irq, softirq, steal or guest fields
    assertThat(seconds(families, "0", "user")).isEqualTo(1.0);
    assertThat(seconds(families, "0", "nice")).isEqualTo(0.01);
    assertThat(seconds(families, "0", "system")).isEqualTo(0.5);
    assertThat(seconds(families, "0", "idle")).isEqualTo(40.0);
    assertThat(seconds(families, "0", "iowait")).isZero();
    assertThat(seconds(families, "0", "steal")).isZero();
    assertThat(HostFixtures.value(families, "node_cpu_guest_seconds_total", "cpu", "1", "mode", "nice")).isZero();
    assertThat(families.get(0).samples()).hasSize(16);
    assertThat(skipped.count("cpu")).isZero();
  }

  @Test
  void isolatedCpusAndThermalThrottlesAreExposedWhereTheKernelHasThem() throws Exception {
    List<MetricFamily> families = new CpuCollector(HostFixtures.paths("baremetal"), skipped).collect();

    assertThat(families).extracting(MetricFamily::name).containsExactly("node_cpu_seconds_total",
        "node_cpu_guest_seconds_total", "node_cpu_isolated", "node_cpu_core_throttles_total",
        "node_cpu_package_throttles_total");
    MetricFamily isolated = HostFixtures.byName(families).get("node_cpu_isolated");
    assertThat(isolated.type()).isEqualTo(MetricType.GAUGE);
    assertThat(isolated.samples()).containsExactly(new Sample(List.of("2"), 1), new Sample(List.of("3"), 1));
    // Two hyper-threads per core: each core and the package are reported once.
    MetricFamily cores = HostFixtures.byName(families).get("node_cpu_core_throttles_total");
    assertThat(cores.labelNames()).containsExactly("package", "core");
    assertThat(cores.samples()).containsExactly(new Sample(List.of("0", "0"), 3), new Sample(List.of("0", "1"), 5));
    MetricFamily packages = HostFixtures.byName(families).get("node_cpu_package_throttles_total");
    assertThat(packages.type()).isEqualTo(MetricType.COUNTER);
    assertThat(packages.samples()).containsExactly(new Sample(List.of("0"), 7));
    assertThat(skipped.count("cpu")).isZero();
  }

  @Test
  void aCounterThatStepsBackKeepsItsLastValue() throws Exception {
    CpuCollector collector = new CpuCollector(tmpPaths(), skipped);
    writeStat("cpu0 100 0 50 1000 10 0 5 0 0 0", "cpu1 100 0 50 1000 10 0 5 0 0 0");
    collector.collect();

    // iowait and idle step back a little (less than 3 s of idle); user moves on.
    writeStat("cpu0 150 0 50 900 8 0 5 0 0 0", "cpu1 100 0 50 1000 10 0 5 0 0 0");
    List<MetricFamily> families = collector.collect();

    assertThat(seconds(families, "0", "iowait")).isEqualTo(0.10);
    assertThat(seconds(families, "0", "idle")).isEqualTo(10.0);
    assertThat(seconds(families, "0", "user")).isEqualTo(1.5);
  }

  @Test
  void idleFallingByThreeSecondsOrMoreStartsThatCpuAfresh() throws Exception {
    CpuCollector collector = new CpuCollector(tmpPaths(), skipped);
    writeStat("cpu0 100 0 50 1000 10 0 5 0 0 0", "cpu1 100 0 50 1000 10 0 5 0 0 0");
    collector.collect();

    // cpu0 was unplugged and plugged in again: its idle time fell from 10 s to 1 s.
    writeStat("cpu0 20 0 10 100 1 0 1 0 0 0", "cpu1 110 0 50 1000 10 0 5 0 0 0");
    List<MetricFamily> families = collector.collect();

    assertThat(seconds(families, "0", "idle")).isEqualTo(1.0);
    assertThat(seconds(families, "0", "user")).isEqualTo(0.2);
    assertThat(seconds(families, "1", "user")).isEqualTo(1.1);
  }

  @Test
  void aChangeInTheNumberOfCpusStartsEveryCpuAfresh() throws Exception {
    CpuCollector collector = new CpuCollector(tmpPaths(), skipped);
    writeStat("cpu0 100 0 50 1000 10 0 5 0 0 0", "cpu1 100 0 50 1000 10 0 5 0 0 0");
    collector.collect();

    writeStat("cpu0 90 0 50 999 10 0 5 0 0 0");
    List<MetricFamily> families = collector.collect();

    assertThat(families.get(0).samples()).hasSize(8);
    assertThat(seconds(families, "0", "user")).isEqualTo(0.9);
    assertThat(seconds(families, "0", "idle")).isEqualTo(9.99);
  }

  @Test
  void anAbsurdCpuNumberIsSkippedAndCounted() throws Exception {
    writeStat("cpu0 100 0 50 1000 10 0 5 0 0 0", "cpu2147483647 1 1 1 1 1 1 1 1 1 1");

    List<MetricFamily> families = new CpuCollector(tmpPaths(), skipped).collect();

    assertThat(families.get(0).samples()).extracting(s -> s.labelValues().get(0)).containsOnly("0");
    assertThat(skipped.count("cpu")).isEqualTo(1);
  }

  @Test
  void aKernelWithoutTheFilesGivesNothing() throws Exception {
    assertThat(new CpuCollector(HostFixtures.paths("empty"), skipped).collect()).isEmpty();
    assertThat(skipped.count("cpu")).isZero();
  }

  private static double seconds(List<MetricFamily> families, String cpu, String mode) {
    return HostFixtures.value(families, "node_cpu_seconds_total", "cpu", cpu, "mode", mode);
  }

  private HostPaths tmpPaths() {
    return new HostPaths(tmp.resolve("proc"), tmp.resolve("sys"), tmp.resolve("root"));
  }

  private void writeStat(String... cpuLines) throws Exception {
    Files.createDirectories(tmp.resolve("proc"));
    StringBuilder stat = new StringBuilder("cpu  0 0 0 0 0 0 0 0 0 0\n");
    for (String line : cpuLines) {
      stat.append(line).append('\n');
    }
    stat.append("intr 1 0\nctxt 1\nbtime 1700000000\nprocesses 1\nprocs_running 1\nprocs_blocked 0\n");
    Files.writeString(tmp.resolve("proc/stat"), stat);
  }
}

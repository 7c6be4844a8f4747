package dev.nodewatch.collectors.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchedstatCollectorTest {

  private final SkippedLines skipped = new SkippedLines();

  @Test
  void exposesRunningAndWaitingTimeInSecondsAndTimeslicesPerCpu() throws Exception {
    List<MetricFamily> families = new SchedstatCollector(HostFixtures.paths("basic"), skipped).collect();

    assertThat(families).extracting(MetricFamily::name).containsExactly("node_schedstat_running_seconds_total",
        "node_schedstat_waiting_seconds_total", "node_schedstat_timeslices_total");
    assertThat(families).extracting(MetricFamily::type).containsOnly(MetricType.COUNTER);
    assertThat(families).extracting(MetricFamily::labelNames).containsOnly(List.of("cpu"));
    // cpu0 0 0 0 0 0 0 2084761523645 127508862311 3514312 (values node_exporter 1.5 gives for the same file)
    assertThat(HostFixtures.value(families, "node_schedstat_running_seconds_total", "cpu", "0"))
        .isEqualTo(2084.761523645);
    assertThat(HostFixtures.value(families, "node_schedstat_waiting_seconds_total", "cpu", "0"))
        .isEqualTo(127.508862311);
    assertThat(HostFixtures.value(families, "node_schedstat_timeslices_total", "cpu", "0")).isEqualTo(3514312);
    assertThat(HostFixtures.value(families, "node_schedstat_running_seconds_total", "cpu", "1"))
        .isEqualTo(2106.520138519);
    assertThat(HostFixtures.value(families, "node_schedstat_timeslices_total", "cpu", "1")).isEqualTo(3624457);
    assertThat(families.get(0).samples()).hasSize(2);
    assertThat(skipped.count("schedstat")).isZero();
  }

  @Test
  void malformedLinesAreSkippedAndCountedAndTheCpuLabelIsTheCpuNumber() throws Exception {
    List<MetricFamily> families = new SchedstatCollector(HostFixtures.paths("garbage"), skipped).collect();

    // "cpu1 ... x 1 2", "cpu2 0 0 0" and "random garbage"
    assertThat(families.get(0).samples()).extracting(s -> s.labelValues().get(0)).containsExactly("0", "3");
    assertThat(HostFixtures.value(families, "node_schedstat_running_seconds_total", "cpu", "3")).isEqualTo(1.5);
    assertThat(HostFixtures.value(families, "node_schedstat_waiting_seconds_total", "cpu", "0")).isEqualTo(0.5);
    assertThat(HostFixtures.value(families, "node_schedstat_timeslices_total", "cpu", "3")).isEqualTo(7);
    assertThat(skipped.count("schedstat")).isEqualTo(3);
  }

  @Test
  void aKernelWithoutSchedstatsGivesNothing() throws Exception {
    assertThat(new SchedstatCollector(HostFixtures.paths("old-kernel"), skipped).collect()).isEmpty();
    assertThat(skipped.count("schedstat")).isZero();
  }
}

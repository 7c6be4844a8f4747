package dev.nodewatch.collectors.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.util.List;
import org.junit.jupiter.api.Test;

class PressureCollectorTest {

  private final SkippedLines skipped = new SkippedLines();

  private List<MetricFamily> collect(String fixture) throws Exception {
    return new PressureCollector(HostFixtures.paths(fixture), skipped).collect();
  }

  @Test
  void someAndFullTotalsBecomeSecondsCountersLikeNodeExporter() throws Exception {
    List<MetricFamily> families = collect("basic");
    assertThat(families).extracting(MetricFamily::name).containsExactlyInAnyOrder(
        "node_pressure_cpu_waiting_seconds_total", "node_pressure_io_waiting_seconds_total",
        "node_pressure_io_stalled_seconds_total", "node_pressure_memory_waiting_seconds_total",
        "node_pressure_memory_stalled_seconds_total");
    assertThat(families).extracting(MetricFamily::type).containsOnly(MetricType.COUNTER);
    assertThat(HostFixtures.value(families, "node_pressure_cpu_waiting_seconds_total")).isEqualTo(175.433865);
    assertThat(HostFixtures.value(families, "node_pressure_io_waiting_seconds_total")).isEqualTo(5.593565);
    assertThat(HostFixtures.value(families, "node_pressure_io_stalled_seconds_total")).isEqualTo(4.924946);
    assertThat(HostFixtures.value(families, "node_pressure_memory_waiting_seconds_total")).isEqualTo(1.234567);
    assertThat(HostFixtures.value(families, "node_pressure_memory_stalled_seconds_total")).isEqualTo(0.987654);
    assertThat(skipped.count("pressure")).isZero();
  }

  @Test
  void theCpuFullLineIsNotExposedAsNodeExporter15DoesNot() throws Exception {
    assertThat(collect("basic")).extracting(MetricFamily::name)
        .doesNotContain("node_pressure_cpu_stalled_seconds_total");
  }

  @Test
  void linesWithoutAUsableTotalAreSkippedAndCounted() throws Exception {
    List<MetricFamily> families = collect("garbage");
    assertThat(families).extracting(MetricFamily::name).containsExactlyInAnyOrder(
        "node_pressure_cpu_waiting_seconds_total", "node_pressure_memory_waiting_seconds_total",
        "node_pressure_memory_stalled_seconds_total");
    assertThat(HostFixtures.value(families, "node_pressure_cpu_waiting_seconds_total")).isEqualTo(2.5);
    assertThat(HostFixtures.value(families, "node_pressure_memory_waiting_seconds_total")).isEqualTo(0.001);
    assertThat(HostFixtures.value(families, "node_pressure_memory_stalled_seconds_total")).isEqualTo(0.0005);
    // cpu: "garbage line"; io: "some" without total=, "full" with total=12x.
    assertThat(skipped.count("pressure")).isEqualTo(3);
  }

  @Test
  void aKernelWithoutPsiGivesNothing() throws Exception {
    assertThat(collect("legacy-kernel")).isEmpty();
    assertThat(collect("empty")).isEmpty();
  }
}

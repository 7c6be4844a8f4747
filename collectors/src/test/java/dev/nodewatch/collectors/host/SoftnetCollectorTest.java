package dev.nodewatch.collectors.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.util.List;
import org.junit.jupiter.api.Test;

class SoftnetCollectorTest {

  private final SkippedLines skipped = new SkippedLines();

  @Test
  void exposesTheThreeFamiliesOfNodeExporter15FromHexFields() throws Exception {
    List<MetricFamily> families = new SoftnetCollector(HostFixtures.paths("basic"), skipped).collect();

    // A 6.18 kernel prints 15 fields per CPU; node_exporter 1.5 exposes the first three only.
    assertThat(families).extracting(MetricFamily::name).containsExactly("node_softnet_processed_total",
        "node_softnet_dropped_total", "node_softnet_times_squeezed_total");
    assertThat(families).extracting(MetricFamily::type).containsOnly(MetricType.COUNTER);
    assertThat(families).extracting(MetricFamily::labelNames).containsOnly(List.of("cpu"));
    assertThat(HostFixtures.value(families, "node_softnet_processed_total", "cpu", "0")).isEqualTo(0x8844);
    assertThat(HostFixtures.value(families, "node_softnet_processed_total", "cpu", "1")).isEqualTo(0x9a39);
    assertThat(HostFixtures.value(families, "node_softnet_dropped_total", "cpu", "1")).isZero();
    assertThat(HostFixtures.value(families, "node_softnet_times_squeezed_total", "cpu", "1")).isZero();
    assertThat(skipped.count("softnet")).isZero();
  }

  @Test
  void anOldKernelsNineFieldLinesAreRead() throws Exception {
    List<MetricFamily> families = new SoftnetCollector(HostFixtures.paths("old-kernel"), skipped).collect();

    assertThat(HostFixtures.value(families, "node_softnet_processed_total", "cpu", "0")).isEqualTo(256);
    assertThat(HostFixtures.value(families, "node_softnet_dropped_total", "cpu", "0")).isEqualTo(2);
    assertThat(HostFixtures.value(families, "node_softnet_times_squeezed_total", "cpu", "0")).isEqualTo(3);
    assertThat(HostFixtures.value(families, "node_softnet_processed_total", "cpu", "1")).isEqualTo(512);
    assertThat(HostFixtures.value(families, "node_softnet_times_squeezed_total", "cpu", "1")).isEqualTo(1);
    assertThat(skipped.count("softnet")).isZero();
  }

  @Test
  void malformedLinesAreSkippedAndCountedButKeepTheirPositionInTheCpuLabel() throws Exception {
    List<MetricFamily> families = new SoftnetCollector(HostFixtures.paths("garbage"), skipped).collect();

    // Line 1 is not hex, line 2 has two fields: lines 0 and 3 remain, labelled by position.
    assertThat(families.get(0).samples()).extracting(s -> s.labelValues().get(0)).containsExactly("0", "3");
    assertThat(HostFixtures.value(families, "node_softnet_processed_total", "cpu", "0")).isEqualTo(10);
    assertThat(HostFixtures.value(families, "node_softnet_dropped_total", "cpu", "0")).isEqualTo(1);
    assertThat(HostFixtures.value(families, "node_softnet_times_squeezed_total", "cpu", "0")).isEqualTo(2);
    assertThat(HostFixtures.value(families, "node_softnet_processed_total", "cpu", "3")).isEqualTo(255);
    assertThat(HostFixtures.value(families, "node_softnet_dropped_total", "cpu", "3")).isEqualTo(3);
    assertThat(skipped.count("softnet")).isEqualTo(2);
  }

  @Test
  void aKernelWithoutTheFileGivesNothing() throws Exception {
    assertThat(new SoftnetCollector(HostFixtures.paths("empty"), skipped).collect()).isEmpty();
  }
}

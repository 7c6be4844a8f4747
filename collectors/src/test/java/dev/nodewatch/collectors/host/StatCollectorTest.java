package dev.nodewatch.collectors.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatCollectorTest {

  private final SkippedLines skipped = new SkippedLines();

  @Test
  void exposesTheSystemWideCountersOfProcStatWithNodeExportersNamesAndTypes() throws Exception {
    List<MetricFamily> families = new StatCollector(HostFixtures.paths("basic"), skipped).collect();

    Map<String, MetricFamily> byName = HostFixtures.byName(families);
    assertThat(families).extracting(MetricFamily::name).containsExactly("node_boot_time_seconds",
        "node_context_switches_total", "node_forks_total", "node_intr_total", "node_procs_running",
        "node_procs_blocked");
    assertThat(byName.get("node_boot_time_seconds").type()).isEqualTo(MetricType.GAUGE);
    assertThat(byName.get("node_context_switches_total").type()).isEqualTo(MetricType.COUNTER);
    assertThat(byName.get("node_forks_total").type()).isEqualTo(MetricType.COUNTER);
    assertThat(byName.get("node_intr_total").type()).isEqualTo(MetricType.COUNTER);
    assertThat(byName.get("node_procs_running").type()).isEqualTo(MetricType.GAUGE);
    assertThat(byName.get("node_procs_blocked").type()).isEqualTo(MetricType.GAUGE);
    assertThat(HostFixtures.value(families, "node_boot_time_seconds")).isEqualTo(1795608738);
    assertThat(HostFixtures.value(families, "node_context_switches_total")).isEqualTo(1838162);
    assertThat(HostFixtures.value(families, "node_forks_total")).isEqualTo(14861);
    assertThat(HostFixtures.value(families, "node_intr_total")).isEqualTo(1039536);
    assertThat(HostFixtures.value(families, "node_procs_running")).isEqualTo(1);
    assertThat(HostFixtures.value(families, "node_procs_blocked")).isZero();
    assertThat(skipped.count("stat")).isZero();
  }

  @Test
  void linesWithoutANumberAreSkippedAndCountedAndTheirFamiliesLeftOut() throws Exception {
    List<MetricFamily> families = new StatCollector(HostFixtures.paths("garbage"), skipped).collect();

    // "ctxt lots", "procs_blocked" without a value and "this line is garbage"; bad cpu lines are the cpu
    // collector's to count.
    assertThat(families).extracting(MetricFamily::name).containsExactly("node_boot_time_seconds",
        "node_forks_total", "node_intr_total", "node_procs_running");
    assertThat(HostFixtures.value(families, "node_boot_time_seconds")).isEqualTo(1.7e9);
    assertThat(HostFixtures.value(families, "node_forks_total")).isEqualTo(4321);
    assertThat(HostFixtures.value(families, "node_intr_total")).isEqualTo(12345);
    assertThat(HostFixtures.value(families, "node_procs_running")).isEqualTo(3);
    assertThat(skipped.count("stat")).isEqualTo(3);
  }

  @Test
  void aLineTheKernelDoesNotPrintLeavesItsFamilyOut() throws Exception {
    List<MetricFamily> families = new StatCollector(HostFixtures.paths("old-kernel"), skipped).collect();

    assertThat(HostFixtures.byName(families)).doesNotContainKey("node_procs_blocked");
    assertThat(HostFixtures.value(families, "node_intr_total")).isEqualTo(500);
    assertThat(HostFixtures.value(families, "node_boot_time_seconds")).isEqualTo(1.6e9);
    assertThat(families).hasSize(5);
    assertThat(skipped.count("stat")).isZero();
  }

  @Test
  void aKernelWithoutTheFileGivesNothing() throws Exception {
    assertThat(new StatCollector(HostFixtures.paths("empty"), skipped).collect()).isEmpty();
  }
}

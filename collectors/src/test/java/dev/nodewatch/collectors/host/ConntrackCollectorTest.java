package dev.nodewatch.collectors.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConntrackCollectorTest {

  private static final List<String> STATS = List.of("node_nf_conntrack_stat_found",
      "node_nf_conntrack_stat_invalid", "node_nf_conntrack_stat_ignore", "node_nf_conntrack_stat_insert",
      "node_nf_conntrack_stat_insert_failed", "node_nf_conntrack_stat_drop", "node_nf_conntrack_stat_early_drop",
      "node_nf_conntrack_stat_search_restart");

  private final SkippedLines skipped = new SkippedLines();

  private List<MetricFamily> collect(String fixture) throws Exception {
    return new ConntrackCollector(HostFixtures.paths(fixture), skipped).collect();
  }

  @Test
  void tableUseAndLimitAreGauges() throws Exception {
    List<MetricFamily> families = collect("basic");
    assertThat(HostFixtures.value(families, "node_nf_conntrack_entries")).isEqualTo(118);
    assertThat(HostFixtures.value(families, "node_nf_conntrack_entries_limit")).isEqualTo(262144);
    assertThat(families).extracting(MetricFamily::type).containsOnly(MetricType.GAUGE);
    assertThat(families).extracting(MetricFamily::labelNames).containsOnly(List.of());
    assertThat(skipped.count("conntrack")).isZero();
  }

  @Test
  void statisticsAreTheHexCountersSummedOverCpus() throws Exception {
    List<MetricFamily> families = collect("basic");
    assertThat(families).extracting(MetricFamily::name).containsAll(STATS);
    assertThat(HostFixtures.value(families, "node_nf_conntrack_stat_found")).isEqualTo(0x0a + 0x14);
    assertThat(HostFixtures.value(families, "node_nf_conntrack_stat_invalid")).isEqualTo(3 + 1);
    assertThat(HostFixtures.value(families, "node_nf_conntrack_stat_ignore")).isEqualTo(0x10 + 0xf0);
    assertThat(HostFixtures.value(families, "node_nf_conntrack_stat_insert")).isEqualTo(0x64 + 0xc8);
    assertThat(HostFixtures.value(families, "node_nf_conntrack_stat_insert_failed")).isEqualTo(1);
    assertThat(HostFixtures.value(families, "node_nf_conntrack_stat_drop")).isEqualTo(2 + 1);
    assertThat(HostFixtures.value(families, "node_nf_conntrack_stat_early_drop")).isEqualTo(4);
    assertThat(HostFixtures.value(families, "node_nf_conntrack_stat_search_restart")).isEqualTo(5);
  }

  @Test
  void sixteenColumnStatisticsOfOldKernelsAreSkippedAsNodeExporterFailsOnThem() throws Exception {
    List<MetricFamily> families = collect("legacy-kernel");
    assertThat(families).extracting(MetricFamily::name)
        .containsExactly("node_nf_conntrack_entries", "node_nf_conntrack_entries_limit");
    assertThat(HostFixtures.value(families, "node_nf_conntrack_entries")).isEqualTo(42);
    assertThat(skipped.count("conntrack")).isEqualTo(2);
  }

  @Test
  void garbageIsSkippedAndCountedAndTheRestStillExposed() throws Exception {
    List<MetricFamily> families = collect("garbage");
    // The count reads "lots"; two CPU lines are not 17 hex numbers.
    assertThat(families).extracting(MetricFamily::name).doesNotContain("node_nf_conntrack_entries");
    assertThat(HostFixtures.value(families, "node_nf_conntrack_entries_limit")).isEqualTo(65536);
    assertThat(HostFixtures.value(families, "node_nf_conntrack_stat_found")).isEqualTo(2);
    assertThat(skipped.count("conntrack")).isEqualTo(3);
  }

  @Test
  void withoutTheConntrackModuleNothingIsExposed() throws Exception {
    assertThat(collect("empty")).isEmpty();
  }
}

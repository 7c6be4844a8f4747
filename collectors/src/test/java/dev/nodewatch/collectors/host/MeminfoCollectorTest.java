package dev.nodewatch.collectors.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeminfoCollectorTest {

  private final SkippedLines skipped = new SkippedLines();

  @Test
  void everyFieldIsAGaugeInBytesNamedLikeNodeExporter() throws Exception {
    List<MetricFamily> families = new MeminfoCollector(HostFixtures.paths("basic"), skipped).collect();
    assertThat(families).extracting(MetricFamily::type).containsOnly(MetricType.GAUGE);
    assertThat(HostFixtures.byName(families)).containsKeys("node_memory_MemTotal_bytes",
        "node_memory_Active_anon_bytes", "node_memory_HugePages_Total", "node_memory_Hugepagesize_bytes");
    assertThat(skipped.count("meminfo")).isZero();
  }

  @Test
  void garbageLinesAreSkippedAndCounted() throws Exception {
    List<MetricFamily> families = new MeminfoCollector(HostFixtures.paths("garbage"), skipped).collect();
    assertThat(HostFixtures.value(families, "node_memory_MemTotal_bytes")).isEqualTo(16384 * 1024.0);
    assertThat(HostFixtures.value(families, "node_memory_HugePages_Total")).isEqualTo(4);
    assertThat(HostFixtures.value(families, "node_memory_Active_anon_bytes")).isEqualTo(100 * 1024.0);
    assertThat(HostFixtures.byName(families)).doesNotContainKey("node_memory_MemFree_bytes");
    assertThat(skipped.count("meminfo")).isEqualTo(2);
  }

  @Test
  void aKernelWithoutTheFileGivesNothing() throws Exception {
    assertThat(new MeminfoCollector(HostFixtures.paths("empty"), skipped).collect()).isEmpty();
  }
}

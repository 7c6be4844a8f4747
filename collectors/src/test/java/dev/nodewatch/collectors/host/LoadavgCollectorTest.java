package dev.nodewatch.collectors.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadavgCollectorTest {

  private final SkippedLines skipped = new SkippedLines();

  @Test
  void readsTheThreeAverages() throws Exception {
    List<MetricFamily> families = new LoadavgCollector(HostFixtures.paths("basic"), skipped).collect();
    assertThat(families).extracting(MetricFamily::name).containsExactly("node_load1", "node_load5", "node_load15");
    assertThat(skipped.count("loadavg")).isZero();
  }

  @Test
  void aGarbageFieldIsSkippedAndCounted() throws Exception {
    List<MetricFamily> families = new LoadavgCollector(HostFixtures.paths("garbage"), skipped).collect();
    assertThat(families).extracting(MetricFamily::name).containsExactly("node_load5", "node_load15");
    assertThat(HostFixtures.value(families, "node_load5")).isEqualTo(0.40);
    assertThat(skipped.count("loadavg")).isEqualTo(1);
  }
}

package dev.nodewatch.collectors.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.util.List;
import org.junit.jupiter.api.Test;

class UdpQueuesCollectorTest {

  private final SkippedLines skipped = new SkippedLines();

  @Test
  void hexQueuesAreSummedPerIpVersion() throws Exception {
    List<MetricFamily> families = new UdpQueuesCollector(HostFixtures.paths("netfiles"), skipped).collect();
    assertThat(HostFixtures.value(families, "node_udp_queues", "ip", "v4", "queue", "tx")).isEqualTo(0x10 + 0x1);
    assertThat(HostFixtures.value(families, "node_udp_queues", "ip", "v4", "queue", "rx")).isEqualTo(0x200 + 0x2);
    assertThat(HostFixtures.value(families, "node_udp_queues", "ip", "v6", "queue", "rx")).isZero();
    assertThat(skipped.count("udp_queues")).isEqualTo(1);
  }

  @Test
  void noUdpTablesMeanNoFamily() throws Exception {
    List<MetricFamily> families = new UdpQueuesCollector(HostFixtures.paths("empty"), skipped).collect();
    assertThat(families).isEmpty();
  }
}

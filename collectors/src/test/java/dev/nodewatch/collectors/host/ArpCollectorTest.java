package dev.nodewatch.collectors.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArpCollectorTest {

  private final SkippedLines skipped = new SkippedLines();

  @Test
  void entriesAreCountedPerDeviceFromTheHostNamespace() throws Exception {
    List<MetricFamily> families = new ArpCollector(HostFixtures.paths("netfiles"), skipped).collect();
    assertThat(HostFixtures.value(families, "node_arp_entries", "device", "eth0")).isEqualTo(2);
    assertThat(HostFixtures.value(families, "node_arp_entries", "device", "cni0")).isEqualTo(1);
    assertThat(skipped.count("arp")).isEqualTo(1);
  }

  @Test
  void withoutPidOneTheProcessNamespaceIsRead() throws Exception {
    List<MetricFamily> families = new ArpCollector(HostFixtures.paths("netfiles-ns-only"), skipped).collect();
    assertThat(HostFixtures.value(families, "node_arp_entries", "device", "eth0")).isEqualTo(2);
  }

  @Test
  void noArpTableMeansNoFamily() throws Exception {
    assertThat(new ArpCollector(HostFixtures.paths("empty"), skipped).collect()).isEmpty();
  }
}

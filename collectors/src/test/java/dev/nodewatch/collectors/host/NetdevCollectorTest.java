package dev.nodewatch.collectors.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class NetdevCollectorTest {

  private final SkippedLines skipped = new SkippedLines();

  private List<MetricFamily> collect(String fixture) throws Exception {
    return new NetdevCollector(HostFixtures.paths(fixture), skipped).collect();
  }

  private static List<String> devices(List<MetricFamily> families, String name) {
    return HostFixtures.byName(families).get(name).samples().stream().map(s -> s.labelValues().get(0)).toList();
  }

  @Test
  void exposesNodeExportersSeventeenCounterFamiliesPerDevice() throws Exception {
    List<MetricFamily> families = collect("basic");
    assertThat(families).extracting(MetricFamily::name).containsExactlyInAnyOrder(
        "node_network_receive_bytes_total", "node_network_receive_packets_total", "node_network_receive_errs_total",
        "node_network_receive_drop_total", "node_network_receive_fifo_total", "node_network_receive_frame_total",
        "node_network_receive_compressed_total", "node_network_receive_multicast_total",
        "node_network_receive_nohandler_total", "node_network_transmit_bytes_total",
        "node_network_transmit_packets_total", "node_network_transmit_errs_total", "node_network_transmit_drop_total",
        "node_network_transmit_fifo_total", "node_network_transmit_colls_total", "node_network_transmit_carrier_total",
        "node_network_transmit_compressed_total");
    assertThat(families).extracting(MetricFamily::type).containsOnly(MetricType.COUNTER);
    assertThat(families).extracting(MetricFamily::labelNames).containsOnly(List.of("device"));
    assertThat(HostFixtures.value(families, "node_network_receive_bytes_total", "device", "eth0"))
        .isEqualTo(103547738);
    assertThat(HostFixtures.value(families, "node_network_receive_packets_total", "device", "eth0")).isEqualTo(5975);
    assertThat(HostFixtures.value(families, "node_network_transmit_bytes_total", "device", "eth0")).isEqualTo(635746);
    assertThat(HostFixtures.value(families, "node_network_transmit_packets_total", "device", "eth0")).isEqualTo(4778);
    assertThat(HostFixtures.value(families, "node_network_receive_bytes_total", "device", "lo")).isEqualTo(364626807);
    assertThat(skipped.count("netdev")).isZero();
  }

  @Test
  void everyInterfaceIsKeptIncludingLoopbackAsUpstreamDoes() throws Exception {
    assertThat(devices(collect("basic"), "node_network_receive_bytes_total"))
        .containsExactly("lo", "ifb0", "ifb1", "eth0");
  }

  @Test
  void theHostNamespaceOfPidOneIsReadRatherThanTheAgentsOwn() throws Exception {
    // basic/proc/net/dev stands for the pod's own namespace: eth0 there has 4242 bytes.
    assertThat(HostFixtures.value(collect("basic"), "node_network_receive_bytes_total", "device", "eth0"))
        .isEqualTo(103547738);
  }

  @Test
  void withoutPidOnesFileProcNetDevIsTheFallback() throws Exception {
    List<MetricFamily> families = collect("legacy-kernel");
    assertThat(devices(families, "node_network_receive_bytes_total")).containsExactly("lo", "eth0", "vethb2c4f1a");
    assertThat(HostFixtures.value(families, "node_network_receive_bytes_total", "device", "eth0"))
        .isEqualTo(2853198631.0);
    assertThat(HostFixtures.value(families, "node_network_receive_drop_total", "device", "eth0")).isEqualTo(12);
    assertThat(HostFixtures.value(families, "node_network_receive_multicast_total", "device", "eth0"))
        .isEqualTo(1847);
    assertThat(HostFixtures.value(families, "node_network_transmit_bytes_total", "device", "vethb2c4f1a"))
        .isEqualTo(10381722);
  }

  @Test
  void noHandlerDropsComeFromSysfsWhereTheKernelHasThem() throws Exception {
    List<MetricFamily> families = collect("basic");
    assertThat(HostFixtures.value(families, "node_network_receive_nohandler_total", "device", "eth0")).isEqualTo(17);
    // ifb1 has no sysfs entry in the fixture: no sample rather than a made-up zero.
    assertThat(devices(families, "node_network_receive_nohandler_total")).containsExactly("lo", "ifb0", "eth0");
    assertThat(HostFixtures.byName(collect("legacy-kernel"))).doesNotContainKey("node_network_receive_nohandler_total");
  }

  @Test
  void anExclusionPatternLeavesDevicesOut() throws Exception {
    List<MetricFamily> families =
        new NetdevCollector(HostFixtures.paths("basic"), skipped, Pattern.compile("^(lo|ifb\\d+)$")).collect();
    assertThat(devices(families, "node_network_transmit_drop_total")).containsExactly("eth0");
    assertThat(devices(families, "node_network_receive_nohandler_total")).containsExactly("eth0");
  }

  @Test
  void garbageLinesAreSkippedAndCountedAndFullRangeCountersKept() throws Exception {
    List<MetricFamily> families = collect("garbage");
    // No colon, too few columns, a non-number, and a rx_nohandler of "junk".
    assertThat(skipped.count("netdev")).isEqualTo(4);
    assertThat(devices(families, "node_network_receive_bytes_total")).containsExactly("eth0", "eth3");
    assertThat(HostFixtures.value(families, "node_network_receive_bytes_total", "device", "eth0")).isEqualTo(100);
    assertThat(HostFixtures.value(families, "node_network_transmit_packets_total", "device", "eth0")).isEqualTo(3);
    // eth3 has no blank after its colon and a receive counter at 2^64-1.
    assertThat(HostFixtures.value(families, "node_network_receive_bytes_total", "device", "eth3"))
        .isEqualTo(18446744073709551615.0);
    assertThat(HostFixtures.byName(families)).doesNotContainKey("node_network_receive_nohandler_total");
  }

  @Test
  void aMissingFileGivesNothing() throws Exception {
    assertThat(collect("empty")).isEmpty();
  }
}

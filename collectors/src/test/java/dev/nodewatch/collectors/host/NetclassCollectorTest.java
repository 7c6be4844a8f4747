package dev.nodewatch.collectors.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import dev.nodewatch.collectors.metrics.Sample;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class NetclassCollectorTest {

  private final SkippedLines skipped = new SkippedLines();

  private List<MetricFamily> collect(String fixture) throws Exception {
    return new NetclassCollector(HostFixtures.paths(fixture), skipped).collect();
  }

  private static List<String> devices(List<MetricFamily> families, String name) {
    return HostFixtures.byName(families).get(name).samples().stream().map(s -> s.labelValues().get(0)).toList();
  }

  @Test
  void exposesNodeExportersNetclassFamiliesWithTheirTypes() throws Exception {
    Map<String, MetricFamily> families = HostFixtures.byName(collect("basic"));
    assertThat(families.keySet()).containsExactlyInAnyOrder("node_network_up", "node_network_info",
        "node_network_address_assign_type", "node_network_carrier", "node_network_carrier_changes_total",
        "node_network_carrier_up_changes_total", "node_network_carrier_down_changes_total", "node_network_device_id",
        "node_network_dormant", "node_network_flags", "node_network_iface_id", "node_network_iface_link",
        "node_network_iface_link_mode", "node_network_mtu_bytes", "node_network_name_assign_type",
        "node_network_net_dev_group", "node_network_speed_bytes", "node_network_transmit_queue_length",
        "node_network_protocol_type");
    for (MetricFamily family : families.values()) {
      assertThat(family.type()).as(family.name()).isEqualTo(
          family.name().endsWith("_changes_total") ? MetricType.COUNTER : MetricType.GAUGE);
      if (!family.name().equals("node_network_info")) {
        assertThat(family.labelNames()).as(family.name()).containsExactly("device");
      }
    }
    assertThat(skipped.count("netclass")).isZero();
  }

  @Test
  void everyInterfaceDirectoryIsReadAndBondingMastersIsNotAnInterface() throws Exception {
    assertThat(devices(collect("basic"), "node_network_up")).containsExactly("eth0", "ifb0", "lo");
  }

  @Test
  void upFollowsOperstateAndInfoCarriesTheTextAttributes() throws Exception {
    List<MetricFamily> families = collect("basic");
    assertThat(HostFixtures.value(families, "node_network_up", "device", "eth0")).isEqualTo(1);
    assertThat(HostFixtures.value(families, "node_network_up", "device", "ifb0")).isZero();
    assertThat(HostFixtures.value(families, "node_network_up", "device", "lo")).as("operstate unknown").isZero();
    MetricFamily info = HostFixtures.byName(families).get("node_network_info");
    assertThat(info.labelNames()).containsExactly("address", "broadcast", "device", "duplex", "ifalias", "operstate");
    assertThat(info.samples()).extracting(Sample::labelValues).containsExactly(
        List.of("02:fc:00:00:00:01", "ff:ff:ff:ff:ff:ff", "eth0", "unknown", "", "up"),
        List.of("2e:5b:8a:a8:ff:66", "ff:ff:ff:ff:ff:ff", "ifb0", "", "", "down"),
        List.of("00:00:00:00:00:00", "00:00:00:00:00:00", "lo", "", "", "unknown"));
    assertThat(info.samples()).extracting(Sample::value).containsOnly(1.0);
  }

  @Test
  void numericAttributesAreReadDecimalOrHex() throws Exception {
    List<MetricFamily> families = collect("basic");
    assertThat(HostFixtures.value(families, "node_network_flags", "device", "eth0")).as("0x1003").isEqualTo(4099);
    assertThat(HostFixtures.value(families, "node_network_flags", "device", "lo")).as("0x9").isEqualTo(9);
    assertThat(HostFixtures.value(families, "node_network_device_id", "device", "eth0")).as("0x0").isZero();
    assertThat(HostFixtures.value(families, "node_network_mtu_bytes", "device", "eth0")).isEqualTo(1400);
    assertThat(HostFixtures.value(families, "node_network_mtu_bytes", "device", "lo")).isEqualTo(65536);
    assertThat(HostFixtures.value(families, "node_network_iface_id", "device", "eth0")).isEqualTo(4);
    assertThat(HostFixtures.value(families, "node_network_iface_link", "device", "ifb0")).isEqualTo(2);
    assertThat(HostFixtures.value(families, "node_network_carrier_changes_total", "device", "eth0")).isEqualTo(2);
    assertThat(HostFixtures.value(families, "node_network_carrier_up_changes_total", "device", "eth0")).isEqualTo(1);
    assertThat(HostFixtures.value(families, "node_network_carrier_down_changes_total", "device", "eth0"))
        .isEqualTo(1);
    assertThat(HostFixtures.value(families, "node_network_protocol_type", "device", "lo")).isEqualTo(772);
    assertThat(HostFixtures.value(families, "node_network_transmit_queue_length", "device", "ifb0")).isEqualTo(32);
    assertThat(HostFixtures.value(families, "node_network_address_assign_type", "device", "ifb0")).isEqualTo(1);
    assertThat(HostFixtures.value(families, "node_network_name_assign_type", "device", "lo")).isEqualTo(2);
  }

  @Test
  void anUnknownSpeedIsExposedAsNodeExporterDoesAndAKnownOneInBytesPerSecond() throws Exception {
    assertThat(HostFixtures.value(collect("basic"), "node_network_speed_bytes", "device", "eth0"))
        .isEqualTo(-125000);
    assertThat(HostFixtures.value(collect("legacy-kernel"), "node_network_speed_bytes", "device", "eth0"))
        .as("10000 Mbit/s").isEqualTo(1.25e9);
  }

  @Test
  void attributesTheKernelRefusesWhileALinkIsDownAreAbsentNotErrors() throws Exception {
    List<MetricFamily> families = collect("basic");
    // ifb0 is down: carrier, dormant, speed and name_assign_type fail with EINVAL and were not copied.
    assertThat(devices(families, "node_network_carrier")).containsExactly("eth0", "lo");
    assertThat(devices(families, "node_network_dormant")).containsExactly("eth0", "lo");
    assertThat(devices(families, "node_network_speed_bytes")).containsExactly("eth0");
    assertThat(devices(families, "node_network_name_assign_type")).containsExactly("eth0", "lo");
    assertThat(skipped.count("netclass")).isZero();
  }

  @Test
  void anOlderKernelWithoutSomeAttributesGivesTheRest() throws Exception {
    List<MetricFamily> families = collect("legacy-kernel");
    assertThat(HostFixtures.byName(families)).doesNotContainKeys("node_network_carrier_up_changes_total",
        "node_network_carrier_down_changes_total", "node_network_name_assign_type");
    assertThat(HostFixtures.value(families, "node_network_mtu_bytes", "device", "eth0")).isEqualTo(9001);
    assertThat(HostFixtures.byName(families).get("node_network_info").samples()).extracting(Sample::labelValues)
        .containsExactly(List.of("0a:1b:2c:3d:4e:5f", "ff:ff:ff:ff:ff:ff", "eth0", "full", "uplink to tor-1", "up"));
  }

  @Test
  void unreadableAttributesAreSkippedAndNonNumbersCounted() throws Exception {
    List<MetricFamily> families = collect("garbage");
    // garbage/eth0: mtu "abc" and flags "0xZZ" are counted; speed cannot be read (a directory) and is just absent.
    assertThat(skipped.count("netclass")).isEqualTo(2);
    assertThat(HostFixtures.byName(families)).doesNotContainKeys("node_network_mtu_bytes", "node_network_flags",
        "node_network_speed_bytes");
    assertThat(HostFixtures.value(families, "node_network_up", "device", "eth0")).isEqualTo(1);
    assertThat(HostFixtures.value(families, "node_network_iface_id", "device", "eth0")).isEqualTo(2);
    assertThat(HostFixtures.value(families, "node_network_carrier", "device", "eth0")).isEqualTo(1);
    assertThat(HostFixtures.byName(families).get("node_network_info").samples()).extracting(Sample::labelValues)
        .containsExactly(List.of("", "", "eth0", "", "", "up"));
  }

  @Test
  void anIgnorePatternLeavesInterfacesOut() throws Exception {
    List<MetricFamily> families =
        new NetclassCollector(HostFixtures.paths("basic"), skipped, Pattern.compile("^ifb")).collect();
    assertThat(devices(families, "node_network_up")).containsExactly("eth0", "lo");
  }

  @Test
  void withoutSysfsClassNetThereIsNothing() throws Exception {
    assertThat(collect("empty")).isEmpty();
  }
}

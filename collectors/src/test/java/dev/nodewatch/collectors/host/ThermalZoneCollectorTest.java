package dev.nodewatch.collectors.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThermalZoneCollectorTest {

  private final SkippedLines skipped = new SkippedLines();

  @Test
  void zonesAndCoolingDevicesAreReportedByNumberAndType() throws Exception {
    List<MetricFamily> families = new ThermalZoneCollector(HostFixtures.paths("thermal"), skipped).collect();
    assertThat(HostFixtures.value(families, "node_thermal_zone_temp", "type", "x86_pkg_temp", "zone", "0"))
        .isEqualTo(42.5);
    assertThat(HostFixtures.value(families, "node_thermal_zone_temp", "zone", "10")).isEqualTo(27.8);
    assertThat(HostFixtures.value(families, "node_cooling_device_max_state", "name", "0", "type", "Processor"))
        .isEqualTo(3);
    assertThat(HostFixtures.value(families, "node_cooling_device_cur_state", "name", "1", "type", "Fan"))
        .isEqualTo(1);
  }

  @Test
  void aZoneWithoutATemperatureIsSkippedAndCounted() throws Exception {
    List<MetricFamily> families = new ThermalZoneCollector(HostFixtures.paths("thermal"), skipped).collect();
    assertThat(HostFixtures.byName(families).get("node_thermal_zone_temp").samples()).hasSize(2);
    assertThat(skipped.count("thermal_zone")).isEqualTo(1);
  }

  @Test
  void aMachineWithoutThermalSysfsExposesNothing() throws Exception {
    assertThat(new ThermalZoneCollector(HostFixtures.paths("empty"), skipped).collect()).isEmpty();
  }
}

package dev.nodewatch.collectors.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.util.List;
import org.junit.jupiter.api.Test;

class HwmonCollectorTest {

  private final SkippedLines skipped = new SkippedLines();

  private List<MetricFamily> collect() throws Exception {
    return new HwmonCollector(HostFixtures.paths("hwmon"), skipped).collect();
  }

  @Test
  void chipsAreNamedAfterTheirDeviceNotTheirHwmonNumber() throws Exception {
    List<MetricFamily> families = collect();
    assertThat(HostFixtures.value(families, "node_hwmon_chip_names", "chip", "platform_coretemp_0",
        "chip_name", "coretemp")).isEqualTo(1);
    assertThat(HostFixtures.value(families, "node_hwmon_chip_names", "chip", "nvme_nvme0", "chip_name", "nvme"))
        .isEqualTo(1);
    assertThat(HostFixtures.value(families, "node_hwmon_chip_names", "chip", "acpi_fan", "chip_name", "acpi_fan"))
        .isEqualTo(1);
  }

  @Test
  void temperaturesAreInCelsiusWithNodeExporterNames() throws Exception {
    List<MetricFamily> families = collect();
    assertThat(HostFixtures.value(families, "node_hwmon_temp_celsius", "chip", "platform_coretemp_0",
        "sensor", "temp1")).isEqualTo(45);
    assertThat(HostFixtures.value(families, "node_hwmon_temp_crit_celsius", "chip", "platform_coretemp_0"))
        .isEqualTo(100);
    assertThat(HostFixtures.value(families, "node_hwmon_temp_max_celsius", "chip", "platform_coretemp_0"))
        .isEqualTo(84);
    assertThat(HostFixtures.value(families, "node_hwmon_temp_crit_alarm_celsius", "chip", "platform_coretemp_0"))
        .isZero();
    assertThat(HostFixtures.value(families, "node_hwmon_temp_alarm", "chip", "nvme_nvme0")).isZero();
    assertThat(HostFixtures.value(families, "node_hwmon_sensor_label", "chip", "nvme_nvme0", "sensor", "temp1",
        "label", "Composite")).isEqualTo(1);
    assertThat(HostFixtures.byName(families).get("node_hwmon_temp_celsius").type()).isEqualTo(MetricType.GAUGE);
  }

  @Test
  void fansVoltagesAndPowerGetTheirUnits() throws Exception {
    List<MetricFamily> families = collect();
    assertThat(HostFixtures.value(families, "node_hwmon_fan_rpm", "chip", "nvme_nvme0", "sensor", "fan1"))
        .isEqualTo(1850);
    assertThat(HostFixtures.value(families, "node_hwmon_fan_min_rpm", "chip", "nvme_nvme0")).isEqualTo(600);
    assertThat(HostFixtures.value(families, "node_hwmon_in_volts", "chip", "acpi_fan", "sensor", "in1"))
        .isEqualTo(12);
    assertThat(HostFixtures.value(families, "node_hwmon_power_average_watt", "chip", "acpi_fan")).isEqualTo(3.5);
  }

  @Test
  void anUnparsableReadingIsSkippedAndCounted() throws Exception {
    List<MetricFamily> families = collect();
    assertThat(HostFixtures.value(families, "node_hwmon_in_volts", "chip", "acpi_fan")).isEqualTo(12);
    assertThat(HostFixtures.byName(families).get("node_hwmon_in_volts").samples()).hasSize(1);
    assertThat(skipped.count("hwmon")).isEqualTo(1);
  }

  @Test
  void aMachineWithoutHwmonExposesNothing() throws Exception {
    assertThat(new HwmonCollector(HostFixtures.paths("empty"), skipped).collect()).isEmpty();
  }

  @Test
  void namesAreCleanedLikeNodeExporter() {
    assertThat(HwmonCollector.clean(" Package id 0\n")).isEqualTo("package_id_0");
    assertThat(HwmonCollector.clean("0000:00:18.3")).isEqualTo("0000:00:18_3");
    assertThat(HwmonCollector.clean("__x__")).isEqualTo("x");
  }
}

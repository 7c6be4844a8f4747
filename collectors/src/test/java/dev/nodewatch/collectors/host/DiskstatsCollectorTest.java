package dev.nodewatch.collectors.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import dev.nodewatch.collectors.metrics.Sample;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DiskstatsCollectorTest {

  private static final List<String> COUNTERS_4_18 = List.of("node_disk_reads_completed_total",
      "node_disk_reads_merged_total", "node_disk_read_bytes_total", "node_disk_read_time_seconds_total",
      "node_disk_writes_completed_total", "node_disk_writes_merged_total", "node_disk_written_bytes_total",
      "node_disk_write_time_seconds_total", "node_disk_io_now", "node_disk_io_time_seconds_total",
      "node_disk_io_time_weighted_seconds_total");
  private static final List<String> DISCARDS = List.of("node_disk_discards_completed_total",
      "node_disk_discards_merged_total", "node_disk_discarded_sectors_total", "node_disk_discard_time_seconds_total");
  private static final List<String> FLUSHES = List.of("node_disk_flush_requests_total",
      "node_disk_flush_requests_time_seconds_total");

  private final SkippedLines skipped = new SkippedLines();

  private List<MetricFamily> collect(String fixture) throws Exception {
    return new DiskstatsCollector(HostFixtures.paths(fixture), skipped).collect();
  }

  @Test
  void aTwentyFieldKernelGivesEveryCounterFamilyScaledLikeNodeExporter() throws Exception {
    List<MetricFamily> families = collect("basic");
    assertThat(HostFixtures.byName(families)).containsKeys(COUNTERS_4_18.toArray(String[]::new))
        .containsKeys(DISCARDS.toArray(String[]::new)).containsKeys(FLUSHES.toArray(String[]::new));
    // vda: 74567 10216 4555914 36365 10309 11191 1868696 5429 0 12704 43862 5625 40 514896 1539 891 527
    assertThat(HostFixtures.value(families, "node_disk_reads_completed_total", "device", "vda")).isEqualTo(74567);
    assertThat(HostFixtures.value(families, "node_disk_reads_merged_total", "device", "vda")).isEqualTo(10216);
    assertThat(HostFixtures.value(families, "node_disk_read_bytes_total", "device", "vda"))
        .isEqualTo(4555914 * 512.0);
    assertThat(HostFixtures.value(families, "node_disk_read_time_seconds_total", "device", "vda"))
        .isEqualTo(36.365);
    assertThat(HostFixtures.value(families, "node_disk_written_bytes_total", "device", "vda"))
        .isEqualTo(1868696 * 512.0);
    assertThat(HostFixtures.value(families, "node_disk_io_now", "device", "vda")).isZero();
    assertThat(HostFixtures.value(families, "node_disk_io_time_seconds_total", "device", "vda")).isEqualTo(12.704);
    assertThat(HostFixtures.value(families, "node_disk_io_time_weighted_seconds_total", "device", "vda"))
        .isEqualTo(43.862);
    assertThat(HostFixtures.value(families, "node_disk_discards_completed_total", "device", "vda")).isEqualTo(5625);
    assertThat(HostFixtures.value(families, "node_disk_discarded_sectors_total", "device", "vda"))
        .as("left in sectors, as node_exporter leaves it").isEqualTo(514896);
    assertThat(HostFixtures.value(families, "node_disk_discard_time_seconds_total", "device", "vda"))
        .isEqualTo(1.539);
    assertThat(HostFixtures.value(families, "node_disk_flush_requests_total", "device", "vda")).isEqualTo(891);
    assertThat(HostFixtures.value(families, "node_disk_flush_requests_time_seconds_total", "device", "vda"))
        .isEqualTo(0.527);
    // Milliseconds times 0.001, node_exporter's own product, so values are bit-identical to its.
    assertThat(HostFixtures.value(families, "node_disk_write_time_seconds_total", "device", "vda"))
        .isEqualTo(5429 * 0.001);
    assertThat(skipped.count("diskstats")).isZero();
  }

  @Test
  void ioNowIsAGaugeAndEveryOtherCounterACounterLabelledByDevice() throws Exception {
    for (MetricFamily family : collect("basic")) {
      if (family.name().startsWith("node_disk_") && !family.name().endsWith("_info")
          && !family.name().startsWith("node_disk_ata_")) {
        assertThat(family.type()).as(family.name())
            .isEqualTo(family.name().equals("node_disk_io_now") ? MetricType.GAUGE : MetricType.COUNTER);
        assertThat(family.labelNames()).as(family.name()).containsExactly("device");
      }
    }
  }

  @Test
  void loopRamAndPartitionDevicesAreExcludedByDefault() throws Exception {
    MetricFamily reads = HostFixtures.byName(collect("basic")).get("node_disk_reads_completed_total");
    assertThat(reads.samples()).extracting(s -> s.labelValues().get(0))
        .containsExactly("vda", "zram0", "nvme0n1", "sda", "dm-0");
  }

  @Test
  void theExclusionPatternIsASetting() throws Exception {
    List<MetricFamily> families =
        new DiskstatsCollector(HostFixtures.paths("basic"), skipped, Pattern.compile("^(loop|vd)")).collect();
    assertThat(HostFixtures.byName(families).get("node_disk_reads_completed_total").samples())
        .extracting(s -> s.labelValues().get(0))
        .containsExactly("zram0", "nvme0n1", "nvme0n1p1", "sda", "sda1", "dm-0");
    assertThat(DiskstatsCollector.DEFAULT_DEVICE_EXCLUDE.pattern())
        .isEqualTo("^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$");
  }

  @Test
  void diskInfoCarriesUdevIdentityWithLabelsInNodeExporterOrder() throws Exception {
    List<MetricFamily> families = collect("basic");
    MetricFamily info = HostFixtures.byName(families).get("node_disk_info");
    assertThat(info.type()).isEqualTo(MetricType.GAUGE);
    assertThat(info.labelNames())
        .containsExactly("device", "major", "minor", "model", "path", "revision", "serial", "wwn");
    assertThat(info.samples()).extracting(Sample::labelValues).contains(
        List.of("sda", "8", "0", "WDC_WD40EFRX-68N32N0", "pci-0000:00:17.0-ata-1", "82.00A82", "WD-WCC7K1234567",
            "0x50014ee2b5c8d9e0"),
        List.of("nvme0n1", "259", "0", "Samsung SSD 980 PRO 1TB", "pci-0000:01:00.0-nvme-1", "5B2QGXA7",
            "S5GXNF0R123456A", "eui.002538b111b2c3d4"),
        List.of("vda", "254", "0", "", "pci-0000:00:03.0", "", "", ""),
        List.of("zram0", "253", "0", "", "", "", "", ""));
    assertThat(info.samples()).extracting(Sample::value).containsOnly(1.0);
  }

  @Test
  void udevFilesystemDeviceMapperAndAtaDataBecomeTheirOwnFamilies() throws Exception {
    List<MetricFamily> families = collect("basic");
    MetricFamily filesystem = HostFixtures.byName(families).get("node_disk_filesystem_info");
    assertThat(filesystem.labelNames()).containsExactly("device", "type", "usage", "uuid", "version");
    assertThat(filesystem.samples()).extracting(Sample::labelValues).containsExactly(
        List.of("vda", "ext4", "filesystem", "5b1f3d2e-7a4c-4e1b-9d3f-0c6a2b8e9f10", "1.0"),
        List.of("dm-0", "xfs", "filesystem", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", ""));
    MetricFamily mapper = HostFixtures.byName(families).get("node_disk_device_mapper_info");
    assertThat(mapper.labelNames()).containsExactly("device", "lv_layer", "lv_name", "name", "uuid", "vg_name");
    assertThat(mapper.samples()).extracting(Sample::labelValues).containsExactly(
        List.of("dm-0", "", "root", "vg0-root", "LVM-AbCdEfGhIjKlMnOpQrStUvWxYz012345", "vg0"));
    assertThat(HostFixtures.value(families, "node_disk_ata_write_cache", "device", "sda")).isEqualTo(1);
    assertThat(HostFixtures.value(families, "node_disk_ata_write_cache_enabled", "device", "sda")).isEqualTo(1);
    assertThat(HostFixtures.value(families, "node_disk_ata_rotation_rate_rpm", "device", "sda")).isEqualTo(5400);
    assertThat(HostFixtures.byName(families).get("node_disk_ata_rotation_rate_rpm").samples()).hasSize(1);
  }

  @Test
  void aFourteenFieldKernelGivesOnlyTheElevenClassicCountersAndEmptyInfoLabelsWithoutUdev() throws Exception {
    List<MetricFamily> families = collect("legacy-kernel");
    assertThat(families).extracting(MetricFamily::name)
        .containsExactlyInAnyOrderElementsOf(concat(COUNTERS_4_18, List.of("node_disk_info")));
    assertThat(HostFixtures.value(families, "node_disk_io_now", "device", "dm-0")).isEqualTo(2);
    assertThat(HostFixtures.value(families, "node_disk_io_time_weighted_seconds_total", "device", "sda"))
        .isEqualTo(13.661);
    assertThat(HostFixtures.byName(families).get("node_disk_info").samples()).extracting(Sample::labelValues)
        .containsExactly(List.of("sda", "8", "0", "", "", "", "", ""), List.of("dm-0", "253", "0", "", "", "", "", ""));
    assertThat(skipped.count("diskstats")).isZero();
  }

  @Test
  void anEighteenFieldKernelAddsDiscardsButNoFlushes() throws Exception {
    List<MetricFamily> families = collect("kernel-5.4");
    assertThat(families).extracting(MetricFamily::name).containsExactlyInAnyOrderElementsOf(
        concat(concat(COUNTERS_4_18, DISCARDS), List.of("node_disk_info")));
    assertThat(HostFixtures.value(families, "node_disk_discarded_sectors_total", "device", "nvme0n1"))
        .isEqualTo(94372936);
    assertThat(HostFixtures.value(families, "node_disk_discard_time_seconds_total", "device", "nvme0n1"))
        .isEqualTo(9.876);
  }

  @Test
  void garbageLinesAndUnparsableUdevValuesAreSkippedAndCounted() throws Exception {
    List<MetricFamily> families = collect("garbage");
    // Only vda parses; "this line is garbage", the sda line with "x", "1 2" and the udev rotation rate "fast" do not.
    assertThat(HostFixtures.byName(families).get("node_disk_reads_completed_total").samples()).hasSize(1);
    assertThat(HostFixtures.value(families, "node_disk_read_bytes_total", "device", "vda")).isEqualTo(300 * 512.0);
    assertThat(HostFixtures.value(families, "node_disk_flush_requests_time_seconds_total", "device", "vda"))
        .isEqualTo(0.016);
    assertThat(HostFixtures.byName(families).get("node_disk_info").samples()).extracting(Sample::labelValues)
        .containsExactly(List.of("vda", "254", "0", "Disk=With=Equals", "", "", "", ""));
    assertThat(HostFixtures.value(families, "node_disk_ata_write_cache", "device", "vda")).isEqualTo(1);
    assertThat(HostFixtures.byName(families)).doesNotContainKeys("node_disk_ata_rotation_rate_rpm",
        "node_disk_filesystem_info");
    assertThat(skipped.count("diskstats")).isEqualTo(4);
  }

  @Test
  void aMissingDiskstatsFileGivesNothing() throws Exception {
    assertThat(collect("empty")).isEmpty();
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new java.util.ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}

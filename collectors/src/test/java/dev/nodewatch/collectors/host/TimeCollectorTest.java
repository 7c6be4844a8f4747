package dev.nodewatch.collectors.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import dev.nodewatch.collectors.metrics.Sample;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimeCollectorTest {

  private static final Instant NOON = Instant.parse("2026-07-01T12:00:00.250Z");

  private final SkippedLines skipped = new SkippedLines();

  @TempDir
  Path tmp;

  @Test
  void exposesTheTimeTheZoneAndTheClocksources() throws Exception {
    List<MetricFamily> families = collect("basic", ZoneOffset.UTC);

    assertThat(families).extracting(MetricFamily::name).containsExactly("node_time_seconds",
        "node_time_zone_offset_seconds", "node_time_clocksource_available_info",
        "node_time_clocksource_current_info");
    assertThat(families).extracting(MetricFamily::type).containsOnly(MetricType.GAUGE);
    assertThat(HostFixtures.value(families, "node_time_zone_offset_seconds", "time_zone", "UTC")).isZero();
    MetricFamily available = HostFixtures.byName(families).get("node_time_clocksource_available_info");
    assertThat(available.labelNames()).containsExactly("clocksource", "device");
    assertThat(available.samples()).containsExactly(new Sample(List.of("kvm-clock", "0"), 1));
    assertThat(HostFixtures.byName(families).get("node_time_clocksource_current_info").samples())
        .containsExactly(new Sample(List.of("kvm-clock", "0"), 1));
    assertThat(skipped.count("time")).isZero();
  }

  @Test
  void theTimeIsWholeNanosecondsOverABillionLikeNodeExporter() throws Exception {
    List<MetricFamily> families = collect("basic", ZoneOffset.UTC);

    // Go's float64(UnixNano())/1e9 for this instant; rounding the 19-digit nanosecond count gives ...2499998.
    assertThat(HostFixtures.value(families, "node_time_seconds")).isEqualTo(1782907200.2499998);
  }

  @Test
  void theZoneIsLabelledWithItsAbbreviationInEffectAndItsOffset() throws Exception {
    List<MetricFamily> summer = collect("basic", ZoneId.of("Europe/Berlin"));
    List<MetricFamily> india = collect("basic", ZoneId.of("Asia/Kolkata"));
    List<MetricFamily> utc = collect("basic", ZoneId.of("Etc/UTC"));

    assertThat(HostFixtures.value(summer, "node_time_zone_offset_seconds", "time_zone", "CEST")).isEqualTo(7200);
    assertThat(HostFixtures.value(india, "node_time_zone_offset_seconds", "time_zone", "IST")).isEqualTo(19800);
    assertThat(HostFixtures.value(utc, "node_time_zone_offset_seconds", "time_zone", "UTC")).isZero();
  }

  @Test
  void everyAvailableClocksourceIsListedAndTheDeviceLabelIsThePositionInNameOrder() throws Exception {
    Path base = tmp.resolve("sys/devices/system/clocksource");
    Files.createDirectories(base.resolve("clocksource0"));
    Files.createDirectories(base.resolve("clocksource2"));
    Files.createDirectories(base.resolve("power"));
    Files.writeString(base.resolve("clocksource0/available_clocksource"), "tsc hpet acpi_pm \n");
    Files.writeString(base.resolve("clocksource0/current_clocksource"), "tsc\n");
    Files.writeString(base.resolve("clocksource2/available_clocksource"), "arch_sys_counter\n");
    Files.writeString(base.resolve("clocksource2/current_clocksource"), "arch_sys_counter\n");

    List<MetricFamily> families = new TimeCollector(new HostPaths(tmp.resolve("proc"), tmp.resolve("sys"), tmp),
        skipped, Clock.fixed(NOON, ZoneOffset.UTC)).collect();

    assertThat(HostFixtures.byName(families).get("node_time_clocksource_available_info").samples())
        .containsExactly(new Sample(List.of("tsc", "0"), 1), new Sample(List.of("hpet", "0"), 1),
            new Sample(List.of("acpi_pm", "0"), 1), new Sample(List.of("arch_sys_counter", "1"), 1));
    assertThat(HostFixtures.byName(families).get("node_time_clocksource_current_info").samples())
        .containsExactly(new Sample(List.of("tsc", "0"), 1), new Sample(List.of("arch_sys_counter", "1"), 1));
  }

  @Test
  void anEmptyCurrentClocksourceIsSkippedAndCounted() throws Exception {
    List<MetricFamily> families = collect("garbage", ZoneOffset.UTC);

    assertThat(HostFixtures.byName(families)).doesNotContainKey("node_time_clocksource_current_info");
    assertThat(HostFixtures.byName(families).get("node_time_clocksource_available_info").samples()).hasSize(3);
    assertThat(skipped.count("time")).isEqualTo(1);
  }

  @Test
  void withoutClocksourcesInSysfsTheTimeIsStillExposed() throws Exception {
    List<MetricFamily> families = collect("old-kernel", ZoneOffset.UTC);

    assertThat(families).extracting(MetricFamily::name)
        .containsExactly("node_time_seconds", "node_time_zone_offset_seconds");
    assertThat(skipped.count("time")).isZero();
  }

  private List<MetricFamily> collect(String fixture, ZoneId zone) throws Exception {
    return new TimeCollector(HostFixtures.paths(fixture), skipped, Clock.fixed(NOON, zone)).collect();
  }
}

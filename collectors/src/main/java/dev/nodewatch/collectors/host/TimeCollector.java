package dev.nodewatch.collectors.host;

import dev.nodewatch.collectors.metrics.KernelFiles;
import dev.nodewatch.collectors.metrics.MetricCollector;
import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.StringTokenizer;
import java.util.TimeZone;

/**
 * The node's clock as node_exporter's {@code time} collector exposes it: the current time (compared with the
 * scrape time by Prometheus, it shows clock drift), the offset of the local time zone, and the kernel's available
 * and current clocksources from {@code <sysfs>/devices/system/clocksource/clocksourceN/}.
 *
 * <p>As in node_exporter, the time zone is this process's own (the container's, UTC unless {@code TZ} or
 * {@code /etc/localtime} says otherwise), and the {@code device} label is the position of the
 * {@code clocksourceN} directory in name order, not N. The zone abbreviation comes from the JDK's zone names,
 * which agree with Go's tzdata abbreviations except for zones that tzdata names by their offset only
 * ({@code America/Sao_Paulo} is "-03" in node_exporter and "BRT" here).
 *
 * <pre>
 * # TYPE node_time_seconds gauge
 * node_time_seconds 1.7956115783981822e+09
 * # TYPE node_time_zone_offset_seconds gauge
 * node_time_zone_offset_seconds{time_zone="UTC"} 0
 * # TYPE node_time_clocksource_available_info gauge
 * node_time_clocksource_available_info{clocksource="tsc",device="0"} 1
 * # TYPE node_time_clocksource_current_info gauge
 * node_time_clocksource_current_info{clocksource="tsc",device="0"} 1
 * </pre>
 */
public final class TimeCollector implements MetricCollector {

  private final HostPaths paths;
  private final SkippedLines skipped;
  private final Clock clock;
  private final TimeZone zone;

  public TimeCollector(HostPaths paths, SkippedLines skipped) {
    this(paths, skipped, Clock.systemDefaultZone());
  }

  /** With a given clock and zone, for tests. */
  TimeCollector(HostPaths paths, SkippedLines skipped, Clock clock) {
    this.paths = paths;
    this.skipped = skipped;
    this.clock = clock;
    this.zone = TimeZone.getTimeZone(clock.getZone());
  }

  @Override
  public String name() {
    return "time";
  }

  @Override
  public List<MetricFamily> collect() throws IOException {
    List<MetricFamily> out = new ArrayList<>(4);
    Instant now = clock.instant();
    // Whole nanoseconds over 1e9, as node_exporter computes it, so both give the same double.
    double seconds = (now.getEpochSecond() * 1_000_000_000L + now.getNano()) / 1e9;
    out.add(MetricFamily.single("node_time_seconds", MetricType.GAUGE,
        "Wall-clock time of the node, in seconds since the Unix epoch.", seconds));
    ZoneId zoneId = clock.getZone();
    boolean summer = zoneId.getRules().isDaylightSavings(now);
    out.add(MetricFamily.gauge("node_time_zone_offset_seconds",
            "Offset of the local time zone from UTC, in seconds.", "time_zone")
        .add(zoneId.getRules().getOffset(now).getTotalSeconds(),
            zone.getDisplayName(summer, TimeZone.SHORT, Locale.ROOT))
        .build());
    addClocksources(out);
    return out;
  }

  private void addClocksources(List<MetricFamily> out) throws IOException {
    Path base = paths.sys("devices/system/clocksource");
    List<String> devices = new ArrayList<>(1);
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(base)) {
      for (Path entry : entries) {
        String dir = entry.getFileName().toString();
        if (dir.length() > 11 && dir.startsWith("clocksource") && Character.isDigit(dir.charAt(11))) {
          devices.add(dir);
        }
      }
    } catch (NoSuchFileException e) {
      return; // a kernel or sysfs without clocksources: no clocksource families, like node_exporter
    }
    Collections.sort(devices);
    MetricFamily.Builder available = MetricFamily.gauge("node_time_clocksource_available_info",
        "1 for each clocksource the kernel can use, per clocksource device.", "clocksource", "device");
    MetricFamily.Builder current = MetricFamily.gauge("node_time_clocksource_current_info",
        "1 for the clocksource the kernel uses, per clocksource device.", "clocksource", "device");
    for (int i = 0; i < devices.size(); i++) {
      Path dir = base.resolve(devices.get(i));
      String device = Integer.toString(i);
      Optional<String> names = KernelFiles.text(dir.resolve("available_clocksource"));
      if (names.isPresent()) {
        StringTokenizer tokens = new StringTokenizer(names.get());
        while (tokens.hasMoreTokens()) {
          available.add(1, tokens.nextToken(), device);
        }
      }
      Optional<String> inUse = KernelFiles.text(dir.resolve("current_clocksource"));
      if (inUse.isPresent()) {
        if (inUse.get().isEmpty()) {
          skipped.add(name());
        } else {
          current.add(1, inUse.get(), device);
        }
      }
    }
    available.addTo(out);
    current.addTo(out);
  }
}

package dev.nodewatch.collectors.host;

import dev.nodewatch.collectors.metrics.KernelFiles;
import dev.nodewatch.collectors.metrics.MetricCollector;
import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Temperatures of the kernel's thermal zones and the state of its cooling devices, from
 * {@code <sysfs>/class/thermal}. Virtual machines usually have neither, and then nothing is exposed.
 *
 * <pre>
 * # TYPE node_thermal_zone_temp gauge
 * node_thermal_zone_temp{type="x86_pkg_temp",zone="0"} 42
 * # TYPE node_cooling_device_cur_state gauge
 * node_cooling_device_cur_state{name="0",type="Processor"} 0
 * </pre>
 */
public final class ThermalZoneCollector implements MetricCollector {

  private final HostPaths paths;
  private final SkippedLines skipped;

  public ThermalZoneCollector(HostPaths paths, SkippedLines skipped) {
    this.paths = paths;
    this.skipped = skipped;
  }

  @Override
  public String name() {
    return "thermal_zone";
  }

  @Override
  public List<MetricFamily> collect() throws IOException {
    MetricFamily.Builder temp = MetricFamily.gauge("node_thermal_zone_temp",
        "Temperature of a thermal zone, in degrees Celsius.", "type", "zone");
    MetricFamily.Builder cur = MetricFamily.gauge("node_cooling_device_cur_state",
        "Current throttle state of a cooling device.", "name", "type");
    MetricFamily.Builder max = MetricFamily.gauge("node_cooling_device_max_state",
        "Highest throttle state of a cooling device.", "name", "type");
    for (var e : numbered("thermal_zone").entrySet()) {
      Optional<String> type = KernelFiles.text(e.getValue().resolve("type"));
      OptionalLong millidegrees = KernelFiles.longValue(e.getValue().resolve("temp"));
      // A zone whose sensor cannot be read right now (EAGAIN, ENODATA) is left out of this scrape.
      if (type.isEmpty() || millidegrees.isEmpty()) {
        skipped.add(name());
        continue;
      }
      temp.add(millidegrees.getAsLong() / 1000.0, type.get(), e.getKey());
    }
    for (var e : numbered("cooling_device").entrySet()) {
      Optional<String> type = KernelFiles.text(e.getValue().resolve("type"));
      OptionalLong current = KernelFiles.longValue(e.getValue().resolve("cur_state"));
      OptionalLong highest = KernelFiles.longValue(e.getValue().resolve("max_state"));
      if (type.isEmpty() || current.isEmpty() || highest.isEmpty()) {
        skipped.add(name());
        continue;
      }
      cur.add(current.getAsLong(), e.getKey(), type.get());
      max.add(highest.getAsLong(), e.getKey(), type.get());
    }
    List<MetricFamily> out = new ArrayList<>(3);
    cur.addTo(out);
    max.addTo(out);
    temp.addTo(out);
    return out;
  }

  /** {@code thermal_zone0} → "0", in numeric order. */
  private TreeMap<String, Path> numbered(String prefix) throws IOException {
    TreeMap<String, Path> out = new TreeMap<>((a, b) -> Integer.compare(Integer.parseInt(a), Integer.parseInt(b)));
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(paths.sys("class/thermal"), prefix + "*")) {
      for (Path p : dir) {
        String suffix = p.getFileName().toString().substring(prefix.length());
        if (!suffix.isEmpty() && suffix.chars().allMatch(Character::isDigit)) {
          out.put(suffix, p);
        }
      }
    } catch (NoSuchFileException e) {
      return out;
    }
    return out;
  }
}

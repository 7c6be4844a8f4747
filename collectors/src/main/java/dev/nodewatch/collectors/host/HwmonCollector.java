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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hardware sensors (temperatures, fans, voltages, currents, power) from {@code <sysfs>/class/hwmon}, named the way
 * node_exporter names them so temperature dashboards and alerts work unchanged. A chip is named after the device
 * it belongs to ({@code platform_coretemp_0}, {@code nvme_nvme0}), which stays stable across reboots, unlike the
 * {@code hwmonN} numbering. Bare-metal nodes have these; virtual machines usually expose none.
 *
 * <pre>
 * # TYPE node_hwmon_temp_celsius gauge
 * node_hwmon_temp_celsius{chip="platform_coretemp_0",sensor="temp1"} 45
 * # TYPE node_hwmon_chip_names gauge
 * node_hwmon_chip_names{chip="platform_coretemp_0",chip_name="coretemp"} 1
 * </pre>
 */
public final class HwmonCollector implements MetricCollector {

  private static final Pattern SENSOR_FILE = Pattern.compile("^([^0-9]+)([0-9]*)(?:_(.+))?$");
  private static final Pattern INVALID = Pattern.compile("[^a-z0-9:_]");
  private static final Set<String> SENSOR_TYPES = Set.of("vrm", "beep_enable", "update_interval", "in", "cpu",
      "fan", "pwm", "temp", "curr", "power", "energy", "humidity", "intrusion", "freq");
  private static final String[] LABELS = {"chip", "sensor"};

  private final HostPaths paths;
  private final SkippedLines skipped;

  public HwmonCollector(HostPaths paths, SkippedLines skipped) {
    this.paths = paths;
    this.skipped = skipped;
  }

  @Override
  public String name() {
    return "hwmon";
  }

  @Override
  public List<MetricFamily> collect() throws IOException {
    Map<String, MetricFamily.Builder> families = new TreeMap<>();
    MetricFamily.Builder chipNames = MetricFamily.gauge("node_hwmon_chip_names",
        "Human-readable name of each hwmon chip.", "chip", "chip_name");
    MetricFamily.Builder sensorLabels = MetricFamily.gauge("node_hwmon_sensor_label",
        "Label the driver gives a sensor.", "chip", "sensor", "label");
    try (DirectoryStream<Path> chips = Files.newDirectoryStream(paths.sys("class/hwmon"))) {
      for (Path chipDir : chips) {
        if (!Files.isDirectory(chipDir)) {
          continue;
        }
        String chip = chipName(chipDir);
        Optional<String> name = KernelFiles.text(chipDir.resolve("name"));
        if (name.isPresent() && !clean(name.get()).isEmpty()) {
          chipNames.add(1, chip, clean(name.get()));
        }
        Map<String, Map<String, String>> sensors = new TreeMap<>();
        readSensors(chipDir, sensors);
        // Older drivers keep the sensor files on the parent device instead.
        Path device = chipDir.resolve("device");
        if (Files.isDirectory(device)) {
          readSensors(device, sensors);
        }
        for (Map.Entry<String, Map<String, String>> sensor : sensors.entrySet()) {
          emit(families, sensorLabels, chip, sensor.getKey(), sensor.getValue());
        }
      }
    } catch (NoSuchFileException e) {
      return List.of();
    }
    List<MetricFamily> out = new ArrayList<>(families.size() + 2);
    chipNames.addTo(out);
    sensorLabels.addTo(out);
    for (MetricFamily.Builder b : families.values()) {
      b.addTo(out);
    }
    return out;
  }

  private void readSensors(Path dir, Map<String, Map<String, String>> sensors) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        Matcher m = SENSOR_FILE.matcher(file.getFileName().toString());
        if (!m.matches() || !SENSOR_TYPES.contains(m.group(1)) || Files.isDirectory(file)) {
          continue;
        }
        String property = m.group(3) == null ? "" : m.group(3);
        try {
          String value = Files.readString(file).strip();
          sensors.computeIfAbsent(m.group(1) + (m.group(2).isEmpty() ? "0" : m.group(2)), k -> new TreeMap<>())
              .put(property, value);
        } catch (IOException unreadable) {
          // Write-only attributes and sensors of a device that is powered down refuse reads; they are not data.
          skipped.add(name());
        }
      }
    }
  }

  private void emit(Map<String, MetricFamily.Builder> families, MetricFamily.Builder sensorLabels, String chip,
      String sensor, Map<String, String> properties) {
    String type = sensor.replaceAll("[0-9]+$", "");
    String label = properties.get("label");
    if (label != null && !label.isEmpty()) {
      sensorLabels.add(1, chip, sensor, label);
    }
    switch (type) {
      case "beep_enable" -> add(families, "node_hwmon_beep_enabled", "Whether the chip beeps on alarms.",
          "1".equals(properties.get("")) ? 1 : 0, chip, sensor);
      case "vrm" -> parse(properties.get("")).ifPresent(v -> add(families, "node_hwmon_voltage_regulator_version",
          "Voltage regulator version.", v, chip, sensor));
      case "update_interval" -> parse(properties.get("")).ifPresent(v -> add(families,
          "node_hwmon_update_interval_seconds", "How often the chip updates its readings.", v / 1000, chip, sensor));
      default -> {
        for (Map.Entry<String, String> p : properties.entrySet()) {
          emitProperty(families, chip, sensor, type, p.getKey(), p.getValue(), properties.containsKey(""));
        }
      }
    }
  }

  private void emitProperty(Map<String, MetricFamily.Builder> families, String chip, String sensor, String type,
      String element, String raw, boolean hasBareValue) {
    if (element.equals("label")) {
      return;
    }
    Optional<Double> parsed = parse(raw);
    if (parsed.isEmpty()) {
      skipped.add(name());
      return;
    }
    double v = parsed.get();
    String base = "node_hwmon_" + type;
    if (element.equals("input")) {
      base = hasBareValue ? base + "_input" : base;
    } else if (!element.isEmpty()) {
      base = base + "_" + clean(element);
    }
    String what = element.isEmpty() ? type : type + " " + element;
    if (element.equals("fault") || element.equals("alarm")) {
      add(families, base, "Sensor " + element + " flag (" + type + ").", v, chip, sensor);
    } else if (element.equals("beep")) {
      add(families, base + "_enabled", "Whether the sensor beeps (" + type + ").", v, chip, sensor);
    } else if (type.equals("in") || type.equals("cpu")) {
      add(families, base + "_volts", "Voltage, " + what + ".", v / 1000, chip, sensor);
    } else if (type.equals("temp") && !element.equals("type")) {
      // Every temp property, alarms included, is in millidegrees in node_exporter's reading and gets _celsius.
      add(families, base + "_celsius", "Temperature, " + what + ".", v / 1000, chip, sensor);
    } else if (type.equals("curr")) {
      add(families, base + "_amps", "Current, " + what + ".", v / 1000, chip, sensor);
    } else if (type.equals("energy")) {
      addCounter(families, base + "_joule_total", "Energy used, " + what + ".", v / 1e6, chip, sensor);
    } else if (type.equals("power") && element.equals("accuracy")) {
      add(families, base, "Power meter accuracy, as a ratio.", v / 1e6, chip, sensor);
    } else if (type.equals("power") && element.startsWith("average_interval")) {
      add(families, base + "_seconds", "Power averaging interval, " + what + ".", v / 1000, chip, sensor);
    } else if (type.equals("power")) {
      add(families, base + "_watt", "Power, " + what + ".", v / 1e6, chip, sensor);
    } else if (type.equals("humidity")) {
      add(families, base, "Relative humidity as a ratio, " + what + ".", v / 1e6, chip, sensor);
    } else if (type.equals("fan") && Set.of("input", "min", "max", "target").contains(element)) {
      add(families, base + "_rpm", "Fan speed in revolutions per minute, " + what + ".", v, chip, sensor);
    } else {
      add(families, base, "Hardware monitor " + what + ".", v, chip, sensor);
    }
  }

  private static void add(Map<String, MetricFamily.Builder> families, String name, String help, double value,
      String... labels) {
    families.computeIfAbsent(name, n -> MetricFamily.gauge(n, help, LABELS)).add(value, labels);
  }

  private static void addCounter(Map<String, MetricFamily.Builder> families, String name, String help,
      double value, String... labels) {
    families.computeIfAbsent(name, n -> MetricFamily.counter(n, help, LABELS)).add(value, labels);
  }

  /** Device-based name first (stable), then the driver's name file, then hwmonN. */
  String chipName(Path chipDir) throws IOException {
    Path device = chipDir.resolve("device");
    if (Files.exists(device)) {
      Path real = device.toRealPath();
      String devName = clean(real.getFileName().toString());
      Path parent = real.getParent();
      String devType = parent == null || parent.getFileName() == null ? "" : clean(parent.getFileName().toString());
      if (!devType.isEmpty() && !devName.isEmpty()) {
        return devType + "_" + devName;
      }
      if (!devName.isEmpty()) {
        return devName;
      }
    }
    Optional<String> name = KernelFiles.text(chipDir.resolve("name"));
    if (name.isPresent() && !clean(name.get()).isEmpty()) {
      return clean(name.get());
    }
    return clean(chipDir.toRealPath().getFileName().toString());
  }

  static String clean(String raw) {
    String replaced = INVALID.matcher(raw.strip().toLowerCase(Locale.ROOT)).replaceAll("_");
    int start = 0;
    int end = replaced.length();
    while (start < end && replaced.charAt(start) == '_') {
      start++;
    }
    while (end > start && replaced.charAt(end - 1) == '_') {
      end--;
    }
    return replaced.substring(start, end);
  }

  private static Optional<Double> parse(String raw) {
    if (raw == null) {
      return Optional.empty();
    }
    double v = KernelFiles.parseDouble(raw);
    return Double.isNaN(v) ? Optional.empty() : Optional.of(v);
  }
}

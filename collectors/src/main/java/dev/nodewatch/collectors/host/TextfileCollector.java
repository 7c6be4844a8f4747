package dev.nodewatch.collectors.host;

import dev.nodewatch.collectors.metrics.MetricCollector;
import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import dev.nodewatch.collectors.metrics.Sample;
import dev.nodewatch.collectors.runtime.RateLimitedLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.LoggerFactory;

/**
 * Metrics that scripts and cron jobs write as {@code *.prom} files into {@code host.textfile_directory},
 * node_exporter's textfile collector: backup jobs report their last success this way. A malformed file is left out
 * and sets {@code node_textfile_scrape_error 1}; the other files are still exposed.
 *
 * <pre>
 * # TYPE node_textfile_mtime_seconds gauge
 * node_textfile_mtime_seconds{file="/var/lib/node_exporter/backup.prom"} 1.7e+09
 * # TYPE node_textfile_scrape_error gauge
 * node_textfile_scrape_error 0
 * </pre>
 */
public final class TextfileCollector implements MetricCollector {

  private final String directory;
  private final RateLimitedLog log =
      new RateLimitedLog(LoggerFactory.getLogger(TextfileCollector.class), Duration.ofMinutes(5));

  /** @param directory where the {@code *.prom} files are; empty exposes only the error gauge, as node_exporter */
  public TextfileCollector(String directory) {
    this.directory = directory;
  }

  @Override
  public String name() {
    return "textfile";
  }

  @Override
  public List<MetricFamily> collect() throws IOException {
    boolean error = false;
    List<MetricFamily> out = new ArrayList<>();
    MetricFamily.Builder mtimes = MetricFamily.gauge("node_textfile_mtime_seconds",
        "Modification time of each textfile read, in seconds since the epoch.", "file");
    if (!directory.isEmpty()) {
      Map<String, Family> families = new TreeMap<>();
      Map<String, Path> files = new TreeMap<>();
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of(directory), "*.prom")) {
        entries.forEach(p -> files.put(p.getFileName().toString(), p));
      } catch (IOException e) {
        log.error("dir", "cannot list textfile directory " + directory + ": " + e, null);
        error = true;
      }
      for (Path file : files.values()) {
        try {
          TextFormatReader.Parsed parsed =
              TextFormatReader.parse(Files.readString(file, StandardCharsets.UTF_8));
          Map<String, Family> fromFile = new LinkedHashMap<>();
          for (TextFormatReader.Sample s : parsed.samples()) {
            String type = parsed.types().getOrDefault(s.name(), "untyped");
            if (!type.equals("counter") && !type.equals("gauge") && !type.equals("untyped")) {
              throw new TextFormatReader.FormatException(s.name() + ": type " + type + " is not supported");
            }
            fromFile.computeIfAbsent(s.name(), n -> new Family(type,
                parsed.help().getOrDefault(n, "Metric read from " + file))).samples.add(s);
          }
          fromFile.forEach((name, f) -> families.merge(name, f, Family::merge));
          mtimes.add(Files.getLastModifiedTime(file).toMillis() / 1000.0, file.toString());
        } catch (TextFormatReader.FormatException | IOException e) {
          log.error(file.toString(), "textfile " + file + " left out: " + e.getMessage(), null);
          error = true;
        }
      }
      families.forEach((name, f) -> out.add(f.build(name)));
      mtimes.addTo(out);
    }
    out.add(MetricFamily.single("node_textfile_scrape_error", MetricType.GAUGE,
        "1 if a textfile could not be read or parsed, 0 otherwise.", error ? 1 : 0));
    return out;
  }

  /** Samples of one metric name across files; label names are the union, missing ones empty (as node_exporter). */
  private static final class Family {
    private final String type;
    private final String help;
    private final List<TextFormatReader.Sample> samples = new ArrayList<>();

    Family(String type, String help) {
      this.type = type;
      this.help = help;
    }

    Family merge(Family other) {
      samples.addAll(other.samples);
      return this;
    }

    MetricFamily build(String name) {
      Set<String> labelNames = new LinkedHashSet<>();
      samples.forEach(s -> labelNames.addAll(s.labels().keySet()));
      List<String> names = List.copyOf(new java.util.TreeSet<>(labelNames));
      List<Sample> built = new ArrayList<>(samples.size());
      for (TextFormatReader.Sample s : samples) {
        List<String> values = new ArrayList<>(names.size());
        for (String label : names) {
          values.add(s.labels().getOrDefault(label, ""));
        }
        built.add(new Sample(List.copyOf(values), s.value()));
      }
      MetricType metricType = switch (type) {
        case "counter" -> MetricType.COUNTER;
        case "gauge" -> MetricType.GAUGE;
        default -> MetricType.UNTYPED;
      };
      return new MetricFamily(name, metricType, help, names, List.copyOf(built));
    }
  }
}

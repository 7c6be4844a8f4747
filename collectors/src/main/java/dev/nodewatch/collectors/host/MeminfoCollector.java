package dev.nodewatch.collectors.host;

import dev.nodewatch.collectors.metrics.KernelFiles;
import dev.nodewatch.collectors.metrics.MetricCollector;
import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every field of {@code <procfs>/meminfo}, named as node_exporter names them: {@code Active(anon)} becomes
 * {@code node_memory_Active_anon_bytes}; fields counted in pages rather than kB ({@code HugePages_Total}) keep
 * no unit suffix.
 *
 * <pre>
 * # TYPE node_memory_MemTotal_bytes gauge
 * node_memory_MemTotal_bytes 2.5111068672e+10
 * </pre>
 */
public final class MeminfoCollector implements MetricCollector {

  private final HostPaths paths;
  private final SkippedLines skipped;
  /** Metric name and help per field, built once: the same ~50 fields come back on every scrape. */
  private final Map<String, String[]> names = new ConcurrentHashMap<>();

  public MeminfoCollector(HostPaths paths, SkippedLines skipped) {
    this.paths = paths;
    this.skipped = skipped;
  }

  @Override
  public String name() {
    return "meminfo";
  }

  private static String[] nameAndHelp(String rawField, boolean kilobytes) {
    String field = rawField.replace('(', '_').replace(")", "");
    return new String[] {"node_memory_" + field + (kilobytes ? "_bytes" : ""),
        "Field " + field + " of /proc/meminfo" + (kilobytes ? ", in bytes." : ".")};
  }

  @Override
  public List<MetricFamily> collect() throws IOException {
    List<String> lines = KernelFiles.lines(paths.proc("meminfo"));
    List<MetricFamily> out = new ArrayList<>(lines.size());
    int[] starts = new int[2];
    int[] ends = new int[2];
    for (String line : lines) {
      int colon = line.indexOf(':');
      int count = colon <= 0 ? 0 : KernelText.tokenize(line, colon + 1, line.length(), starts, ends);
      double value = count == 0 ? Double.NaN : KernelFiles.parseDouble(line.substring(starts[0], ends[0]));
      if (Double.isNaN(value)) {
        skipped.add(name());
        continue;
      }
      boolean kilobytes = count > 1 && ends[1] - starts[1] == 2 && line.startsWith("kB", starts[1]);
      String[] nameAndHelp = names.computeIfAbsent(line.substring(0, colon) + (kilobytes ? " kB" : ""),
          k -> nameAndHelp(line.substring(0, colon), kilobytes));
      out.add(MetricFamily.single(nameAndHelp[0], MetricType.GAUGE, nameAndHelp[1],
          kilobytes ? value * 1024 : value));
    }
    return out;
  }
}

package dev.nodewatch.collectors.host;

import dev.nodewatch.collectors.metrics.KernelFiles;
import dev.nodewatch.collectors.metrics.MetricCollector;
import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

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

  public MeminfoCollector(HostPaths paths, SkippedLines skipped) {
    this.paths = paths;
    this.skipped = skipped;
  }

  @Override
  public String name() {
    return "meminfo";
  }

  @Override
  public List<MetricFamily> collect() throws IOException {
    List<String> lines = KernelFiles.lines(paths.proc("meminfo"));
    List<MetricFamily> out = new ArrayList<>(lines.size());
    for (String line : lines) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        skipped.add(name());
        continue;
      }
      String[] parts = line.substring(colon + 1).trim().split("\\s+");
      double value = KernelFiles.parseDouble(parts[0]);
      if (Double.isNaN(value)) {
        skipped.add(name());
        continue;
      }
      String field = line.substring(0, colon).replace('(', '_').replace(")", "");
      boolean kilobytes = parts.length > 1 && parts[1].equals("kB");
      String metric = "node_memory_" + field + (kilobytes ? "_bytes" : "");
      out.add(MetricFamily.single(metric, MetricType.GAUGE,
          "Field " + field + " of /proc/meminfo" + (kilobytes ? ", in bytes." : "."),
          kilobytes ? value * 1024 : value));
    }
    return out;
  }
}

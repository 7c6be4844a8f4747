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
 * {@code node_load1}, {@code node_load5}, {@code node_load15} from {@code <procfs>/loadavg}.
 *
 * <pre>
 * # TYPE node_load1 gauge
 * node_load1 0.52
 * </pre>
 */
public final class LoadavgCollector implements MetricCollector {

  private final HostPaths paths;
  private final SkippedLines skipped;

  public LoadavgCollector(HostPaths paths, SkippedLines skipped) {
    this.paths = paths;
    this.skipped = skipped;
  }

  @Override
  public String name() {
    return "loadavg";
  }

  @Override
  public List<MetricFamily> collect() throws IOException {
    List<MetricFamily> out = new ArrayList<>(3);
    List<String> lines = KernelFiles.lines(paths.proc("loadavg"));
    if (lines.isEmpty()) {
      return out;
    }
    String line = lines.get(0);
    int[] starts = new int[3];
    int[] ends = new int[3];
    int count = KernelText.tokenize(line, 0, line.length(), starts, ends);
    String[] names = {"node_load1", "node_load5", "node_load15"};
    String[] helps = {"1m", "5m", "15m"};
    for (int i = 0; i < names.length; i++) {
      double value = i < count ? KernelFiles.parseDouble(line.substring(starts[i], ends[i])) : Double.NaN;
      if (Double.isNaN(value)) {
        skipped.add(name());
        continue;
      }
      out.add(MetricFamily.single(names[i], MetricType.GAUGE, helps[i] + " load average.", value));
    }
    return out;
  }
}

package dev.nodewatch.collectors.host;

import dev.nodewatch.collectors.metrics.KernelFiles;
import dev.nodewatch.collectors.metrics.MetricCollector;
import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.StringTokenizer;

/**
 * File handles in use and the system-wide limit, from {@code <procfs>/sys/fs/file-nr} ("allocated, free, maximum";
 * the middle field has been 0 since Linux 2.6), as node_exporter's {@code filefd} collector exposes them. Alerting
 * on allocated over maximum catches a node about to fail every {@code open()}.
 *
 * <pre>
 * # TYPE node_filefd_allocated gauge
 * node_filefd_allocated 393
 * # TYPE node_filefd_maximum gauge
 * node_filefd_maximum 2.46616e+06
 * </pre>
 */
public final class FilefdCollector implements MetricCollector {

  private final HostPaths paths;
  private final SkippedLines skipped;

  public FilefdCollector(HostPaths paths, SkippedLines skipped) {
    this.paths = paths;
    this.skipped = skipped;
  }

  @Override
  public String name() {
    return "filefd";
  }

  @Override
  public List<MetricFamily> collect() throws IOException {
    List<MetricFamily> out = new ArrayList<>(2);
    // Read as lines, not with KernelFiles.text: see EntropyCollector.
    List<String> lines = KernelFiles.lines(paths.proc("sys/fs/file-nr"));
    if (lines.isEmpty()) {
      return out;
    }
    StringTokenizer fields = new StringTokenizer(lines.get(0));
    if (fields.countTokens() < 3) {
      skipped.add(name());
      return out;
    }
    String allocated = fields.nextToken();
    fields.nextToken();
    String maximum = fields.nextToken();
    add(out, "node_filefd_allocated", "File handles the kernel has allocated.", allocated);
    add(out, "node_filefd_maximum", "Most file handles the kernel will allocate (fs.file-max).", maximum);
    return out;
  }

  private void add(List<MetricFamily> out, String metric, String help, String field) {
    double value = KernelFiles.parseDouble(field);
    if (Double.isNaN(value)) {
      skipped.add(name());
      return;
    }
    out.add(MetricFamily.single(metric, MetricType.GAUGE, help, value));
  }
}

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
 * The kernel random pool's entropy estimate and size, from {@code <procfs>/sys/kernel/random/entropy_avail} and
 * {@code poolsize}, as node_exporter's {@code entropy} collector exposes them. Since Linux 5.18 both read 256:
 * the pool never runs dry. A kernel without one of the files leaves that family out.
 *
 * <pre>
 * # TYPE node_entropy_available_bits gauge
 * node_entropy_available_bits 256
 * # TYPE node_entropy_pool_size_bits gauge
 * node_entropy_pool_size_bits 256
 * </pre>
 */
public final class EntropyCollector implements MetricCollector {

  private final HostPaths paths;
  private final SkippedLines skipped;

  public EntropyCollector(HostPaths paths, SkippedLines skipped) {
    this.paths = paths;
    this.skipped = skipped;
  }

  @Override
  public String name() {
    return "entropy";
  }

  @Override
  public List<MetricFamily> collect() throws IOException {
    List<MetricFamily> out = new ArrayList<>(2);
    add(out, "sys/kernel/random/entropy_avail", "node_entropy_available_bits",
        "Entropy the kernel's random pool holds, in bits.");
    add(out, "sys/kernel/random/poolsize", "node_entropy_pool_size_bits",
        "Size of the kernel's random pool, in bits.");
    return out;
  }

  /**
   * Reads the file as lines. Integer sysctl files report a size of 0 and answer a read at a non-zero offset with
   * end of file; {@code Files.readString} (so {@code KernelFiles.text}) then reads one byte first and gets "2"
   * for "256". A buffered reader asks for the whole file in its first read.
   */
  private void add(List<MetricFamily> out, String file, String metric, String help) throws IOException {
    List<String> lines = KernelFiles.lines(paths.proc(file));
    if (lines.isEmpty()) {
      return;
    }
    double value = KernelFiles.parseDouble(lines.get(0).strip());
    if (Double.isNaN(value)) {
      skipped.add(name());
      return;
    }
    out.add(MetricFamily.single(metric, MetricType.GAUGE, help, value));
  }
}

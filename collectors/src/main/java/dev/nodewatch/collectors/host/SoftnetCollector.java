package dev.nodewatch.collectors.host;

import dev.nodewatch.collectors.metrics.KernelFiles;
import dev.nodewatch.collectors.metrics.MetricCollector;
import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-CPU network receive softirq statistics from {@code <procfs>/net/softnet_stat}, as node_exporter 1.5's
 * {@code softnet} collector exposes them: packets processed, packets dropped because the CPU's input backlog was
 * full, and times the softirq stopped with work left. Drops or squeezes that keep growing mean the node receives
 * faster than it can process (see {@code net.core.netdev_max_backlog} and {@code netdev_budget}).
 *
 * <p>The file has one line of hexadecimal fields per online CPU, at least nine since Linux 2.6.23; only the first
 * three are used. As in node_exporter 1.5, the {@code cpu} label is the line's position in the file (not the CPU
 * number that newer kernels print in the 13th field), so a skipped line still takes its position. A line with
 * fewer than nine fields, or whose first three are not 32-bit hexadecimal numbers, is skipped and counted.
 *
 * <pre>
 * # TYPE node_softnet_processed_total counter
 * node_softnet_processed_total{cpu="0"} 34884
 * # TYPE node_softnet_dropped_total counter
 * node_softnet_dropped_total{cpu="0"} 0
 * # TYPE node_softnet_times_squeezed_total counter
 * node_softnet_times_squeezed_total{cpu="0"} 0
 * </pre>
 */
public final class SoftnetCollector implements MetricCollector {

  private static final int MIN_FIELDS = 9;

  private final HostPaths paths;
  private final SkippedLines skipped;

  public SoftnetCollector(HostPaths paths, SkippedLines skipped) {
    this.paths = paths;
    this.skipped = skipped;
  }

  @Override
  public String name() {
    return "softnet";
  }

  @Override
  public List<MetricFamily> collect() throws IOException {
    List<MetricFamily> out = new ArrayList<>(3);
    List<String> lines = KernelFiles.lines(paths.proc("net/softnet_stat"));
    if (lines.isEmpty()) {
      return out;
    }
    MetricFamily.Builder processed = MetricFamily.counter("node_softnet_processed_total",
        "Packets each CPU's network receive softirq processed.", "cpu");
    MetricFamily.Builder dropped = MetricFamily.counter("node_softnet_dropped_total",
        "Packets dropped because each CPU's input backlog queue was full.", "cpu");
    MetricFamily.Builder squeezed = MetricFamily.counter("node_softnet_times_squeezed_total",
        "Times each CPU's network receive softirq stopped with packets left, out of budget or time.", "cpu");
    long[] first = new long[3];
    for (int index = 0; index < lines.size(); index++) {
      if (!parse(lines.get(index), first)) {
        skipped.add(name());
        continue;
      }
      String cpu = Integer.toString(index);
      processed.add(first[0], cpu);
      dropped.add(first[1], cpu);
      squeezed.add(first[2], cpu);
    }
    processed.addTo(out);
    dropped.addTo(out);
    squeezed.addTo(out);
    return out;
  }

  /** Parses the first three fields into {@code out}; false when they are not hex or the line is too short. */
  private static boolean parse(String line, long[] out) {
    int fields = 0;
    int i = 0;
    int len = line.length();
    while (true) {
      while (i < len && line.charAt(i) == ' ') {
        i++;
      }
      if (i == len) {
        return fields >= MIN_FIELDS;
      }
      int start = i;
      while (i < len && line.charAt(i) != ' ') {
        i++;
      }
      if (fields < out.length) {
        long v = hex(line, start, i);
        if (v < 0) {
          return false;
        }
        out[fields] = v;
      }
      fields++;
      if (fields >= MIN_FIELDS) {
        return true;
      }
    }
  }

  /** An unsigned hexadecimal number of at most 32 bits, or -1. */
  private static long hex(String line, int from, int to) {
    long v = 0;
    for (int i = from; i < to; i++) {
      char c = line.charAt(i);
      int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
          : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (digit < 0) {
        return -1;
      }
      v = v * 16 + digit;
      if (v > 0xFFFF_FFFFL) {
        return -1;
      }
    }
    return v;
  }
}

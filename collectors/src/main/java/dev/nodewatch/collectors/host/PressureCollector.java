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
 * Pressure stall information (PSI, kernels 4.20+ with {@code CONFIG_PSI}) from {@code <procfs>/pressure/cpu},
 * {@code io} and {@code memory}: the cumulative time tasks were held up waiting for each resource, as node_exporter
 * 1.5 exposes it. {@code waiting} is the kernel's "some" line (at least one task stalled), {@code stalled} its "full"
 * line (all non-idle tasks stalled at once); the kernel's {@code total=} microseconds become seconds. The rate of these
 * counters says how much a node is short of CPU, I/O bandwidth or memory better than utilisation does.
 *
 * <p>node_exporter 1.5 exposes no "full" figure for CPU (kernels 5.13+ print one), so neither does this. A kernel
 * without PSI has no {@code /proc/pressure} and yields nothing. A line that is neither a parseable {@code some} nor
 * {@code full} line is skipped and counted.
 *
 * <pre>
 * # TYPE node_pressure_cpu_waiting_seconds_total counter
 * node_pressure_cpu_waiting_seconds_total 153.286747
 * # TYPE node_pressure_memory_stalled_seconds_total counter
 * node_pressure_memory_stalled_seconds_total 0
 * </pre>
 */
public final class PressureCollector implements MetricCollector {

  private static final String[] RESOURCES = {"cpu", "io", "memory"};
  private static final String[] WAITING_HELP = {
      "Seconds in which at least one task waited for a CPU.",
      "Seconds in which at least one task waited for I/O.",
      "Seconds in which at least one task waited for memory (reclaim, swap-in, thrashing)."};
  private static final String[] STALLED_HELP = {
      null,
      "Seconds in which every non-idle task waited for I/O at once.",
      "Seconds in which every non-idle task waited for memory at once."};

  private final HostPaths paths;
  private final SkippedLines skipped;

  public PressureCollector(HostPaths paths, SkippedLines skipped) {
    this.paths = paths;
    this.skipped = skipped;
  }

  @Override
  public String name() {
    return "pressure";
  }

  @Override
  public List<MetricFamily> collect() throws IOException {
    List<MetricFamily> out = new ArrayList<>(5);
    for (int r = 0; r < RESOURCES.length; r++) {
      String text = KernelFiles.asciiOrNull(paths.proc("pressure/" + RESOURCES[r]));
      if (text == null) {
        continue;
      }
      int pos = 0;
      int length = text.length();
      while (pos < length) {
        int eol = text.indexOf('\n', pos);
        if (eol < 0) {
          eol = length;
        }
        int lineStart = pos;
        pos = eol + 1;
        if (lineStart == eol) {
          continue;
        }
        boolean some = text.startsWith("some ", lineStart);
        boolean full = !some && text.startsWith("full ", lineStart);
        double seconds = some || full ? totalSeconds(text, lineStart, eol) : Double.NaN;
        if (Double.isNaN(seconds)) {
          skipped.add(name());
        } else if (some) {
          out.add(MetricFamily.single("node_pressure_" + RESOURCES[r] + "_waiting_seconds_total",
              MetricType.COUNTER, WAITING_HELP[r], seconds));
        } else if (STALLED_HELP[r] != null) {
          out.add(MetricFamily.single("node_pressure_" + RESOURCES[r] + "_stalled_seconds_total",
              MetricType.COUNTER, STALLED_HELP[r], seconds));
        }
      }
    }
    return out;
  }

  /** The {@code total=<microseconds>} field of a PSI line in seconds, or NaN when it has none. */
  private static double totalSeconds(String text, int from, int to) {
    int key = text.indexOf(" total=", from);
    if (key < 0 || key >= to) {
      return Double.NaN;
    }
    int start = key + " total=".length();
    int end = start;
    long micros = 0;
    while (end < to && end - start < 18) {
      char c = text.charAt(end);
      if (c < '0' || c > '9') {
        break;
      }
      micros = micros * 10 + (c - '0');
      end++;
    }
    if (end == start || (end < to && text.charAt(end) != ' ')) {
      return Double.NaN;
    }
    return (double) micros / 1000.0 / 1000.0;
  }

}

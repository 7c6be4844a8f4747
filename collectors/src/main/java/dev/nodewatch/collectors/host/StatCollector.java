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
 * The system-wide counters of {@code <procfs>/stat} that node_exporter's {@code stat} collector exposes by default:
 * boot time, context switches, forks, interrupts, and the runnable and I/O-blocked task counts. The {@code cpu}
 * lines belong to {@link CpuCollector}; {@code softirq} is behind a flag in node_exporter and not exposed.
 *
 * <p>Every other line must be a name followed by a number; one that is not is skipped and counted. A line the
 * kernel does not print leaves its family out (node_exporter would expose 0, which for the boot time is wrong).
 *
 * <pre>
 * # TYPE node_boot_time_seconds gauge
 * node_boot_time_seconds 1.795608738e+09
 * # TYPE node_context_switches_total counter
 * node_context_switches_total 1.838162e+06
 * </pre>
 */
public final class StatCollector implements MetricCollector {

  private static final int BTIME = 0;
  private static final int CTXT = 1;
  private static final int PROCESSES = 2;
  private static final int INTR = 3;
  private static final int PROCS_RUNNING = 4;
  private static final int PROCS_BLOCKED = 5;

  private final HostPaths paths;
  private final SkippedLines skipped;

  public StatCollector(HostPaths paths, SkippedLines skipped) {
    this.paths = paths;
    this.skipped = skipped;
  }

  @Override
  public String name() {
    return "stat";
  }

  @Override
  public List<MetricFamily> collect() throws IOException {
    double[] values = {Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN};
    for (String line : KernelFiles.lines(paths.proc("stat"))) {
      if (line.isEmpty() || line.startsWith("cpu")) {
        continue;
      }
      int space = line.indexOf(' ');
      long value = space > 0 ? firstNumber(line, space) : -1;
      if (value < 0) {
        skipped.add(name());
        continue;
      }
      int slot = slot(line, space);
      if (slot >= 0) {
        values[slot] = value;
      }
    }
    List<MetricFamily> out = new ArrayList<>(6);
    add(out, "node_boot_time_seconds", MetricType.GAUGE,
        "When the node booted, in seconds since the Unix epoch.", values[BTIME]);
    add(out, "node_context_switches_total", MetricType.COUNTER, "Context switches since boot.", values[CTXT]);
    add(out, "node_forks_total", MetricType.COUNTER, "Processes and threads created since boot.",
        values[PROCESSES]);
    add(out, "node_intr_total", MetricType.COUNTER, "Interrupts serviced since boot, all sources together.",
        values[INTR]);
    add(out, "node_procs_running", MetricType.GAUGE, "Tasks runnable or running at this moment.",
        values[PROCS_RUNNING]);
    add(out, "node_procs_blocked", MetricType.GAUGE, "Tasks blocked waiting for I/O at this moment.",
        values[PROCS_BLOCKED]);
    return out;
  }

  private static void add(List<MetricFamily> out, String name, MetricType type, String help, double value) {
    if (!Double.isNaN(value)) {
      out.add(MetricFamily.single(name, type, help, value));
    }
  }

  /** Which value the line's name is, or -1 for a line this collector does not expose. */
  private static int slot(String line, int nameLength) {
    if (is(line, nameLength, "btime")) {
      return BTIME;
    } else if (is(line, nameLength, "ctxt")) {
      return CTXT;
    } else if (is(line, nameLength, "processes")) {
      return PROCESSES;
    } else if (is(line, nameLength, "intr")) {
      return INTR;
    } else if (is(line, nameLength, "procs_running")) {
      return PROCS_RUNNING;
    } else if (is(line, nameLength, "procs_blocked")) {
      return PROCS_BLOCKED;
    }
    return -1;
  }

  private static boolean is(String line, int nameLength, String name) {
    return nameLength == name.length() && line.startsWith(name);
  }

  /** The unsigned decimal after the name (intr has more after it), or -1 when there is none. */
  private static long firstNumber(String line, int space) {
    int i = space;
    int len = line.length();
    while (i < len && line.charAt(i) == ' ') {
      i++;
    }
    int start = i;
    long v = 0;
    for (; i < len && line.charAt(i) != ' '; i++) {
      char c = line.charAt(i);
      if (c < '0' || c > '9' || i - start > 18) {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return i == start ? -1 : v;
  }
}

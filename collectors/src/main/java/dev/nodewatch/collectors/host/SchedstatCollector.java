package dev.nodewatch.collectors.host;

import dev.nodewatch.collectors.metrics.KernelFiles;
import dev.nodewatch.collectors.metrics.MetricCollector;
import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-CPU scheduler statistics from the {@code cpuN} lines of {@code <procfs>/schedstat}, as node_exporter's
 * {@code schedstat} collector exposes them: time spent running tasks, time tasks spent waiting in the CPU's run
 * queue (nanoseconds in the file, seconds here), and timeslices run. These are the 7th, 8th and 9th numbers of
 * the line (kernel schedstat versions 15 and later). Waiting time growing faster than running time is CPU
 * saturation that load average does not show.
 *
 * <p>A kernel built without {@code CONFIG_SCHEDSTATS} has no file and gives nothing. {@code version},
 * {@code timestamp} and {@code domainN} lines are not used; a malformed {@code cpuN} line or any other line is
 * skipped and counted.
 *
 * <pre>
 * # TYPE node_schedstat_running_seconds_total counter
 * node_schedstat_running_seconds_total{cpu="0"} 2084.761523645
 * # TYPE node_schedstat_waiting_seconds_total counter
 * node_schedstat_waiting_seconds_total{cpu="0"} 127.508862311
 * # TYPE node_schedstat_timeslices_total counter
 * node_schedstat_timeslices_total{cpu="0"} 3.514312e+06
 * </pre>
 */
public final class SchedstatCollector implements MetricCollector {

  private static final double NANOS_PER_SECOND = 1e9;
  private static final int FIELDS = 9;
  private static final int RUNNING = 6;
  private static final int WAITING = 7;
  private static final int TIMESLICES = 8;

  private final HostPaths paths;
  private final SkippedLines skipped;

  public SchedstatCollector(HostPaths paths, SkippedLines skipped) {
    this.paths = paths;
    this.skipped = skipped;
  }

  @Override
  public String name() {
    return "schedstat";
  }

  @Override
  public List<MetricFamily> collect() throws IOException {
    List<MetricFamily> out = new ArrayList<>(3);
    List<String> lines = KernelFiles.lines(paths.proc("schedstat"));
    if (lines.isEmpty()) {
      return out;
    }
    MetricFamily.Builder running = MetricFamily.counter("node_schedstat_running_seconds_total",
        "Time each CPU spent running tasks, in seconds.", "cpu");
    MetricFamily.Builder waiting = MetricFamily.counter("node_schedstat_waiting_seconds_total",
        "Time tasks spent runnable but waiting in each CPU's run queue, in seconds.", "cpu");
    MetricFamily.Builder timeslices = MetricFamily.counter("node_schedstat_timeslices_total",
        "Timeslices each CPU ran.", "cpu");
    long[] fields = new long[FIELDS];
    for (String line : lines) {
      if (line.startsWith("cpu")) {
        int space = line.indexOf(' ');
        if (space <= 3 || !digits(line, 3, space) || KernelText.parseFields(line, space, fields) < FIELDS) {
          skipped.add(name());
          continue;
        }
        String cpu = line.substring(3, space);
        running.add(fields[RUNNING] / NANOS_PER_SECOND, cpu);
        waiting.add(fields[WAITING] / NANOS_PER_SECOND, cpu);
        timeslices.add(fields[TIMESLICES], cpu);
      } else if (!line.isEmpty() && !line.startsWith("version ") && !line.startsWith("timestamp ")
          && !line.startsWith("domain")) {
        skipped.add(name());
      }
    }
    running.addTo(out);
    waiting.addTo(out);
    timeslices.addTo(out);
    return out;
  }

  private static boolean digits(String line, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = line.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}

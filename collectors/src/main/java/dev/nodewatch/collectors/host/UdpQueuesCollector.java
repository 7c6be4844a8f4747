package dev.nodewatch.collectors.host;

import dev.nodewatch.collectors.metrics.MetricCollector;
import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Bytes waiting in all UDP sockets' send and receive queues, summed from the host's {@code net/udp} and
 * {@code net/udp6}; a receive queue that keeps growing means a UDP server (DNS, syslog, statsd) is falling behind.
 *
 * <pre>
 * # TYPE node_udp_queues gauge
 * node_udp_queues{ip="v4",queue="rx"} 0
 * </pre>
 */
public final class UdpQueuesCollector implements MetricCollector {

  private final HostPaths paths;
  private final SkippedLines skipped;

  public UdpQueuesCollector(HostPaths paths, SkippedLines skipped) {
    this.paths = paths;
    this.skipped = skipped;
  }

  @Override
  public String name() {
    return "udp_queues";
  }

  @Override
  public List<MetricFamily> collect() throws IOException {
    MetricFamily.Builder queues = MetricFamily.gauge("node_udp_queues",
        "Bytes queued in UDP sockets, by IP version and direction.", "ip", "queue");
    add(queues, "v4", HostNetFiles.lines(paths, "udp"));
    add(queues, "v6", HostNetFiles.lines(paths, "udp6"));
    List<MetricFamily> out = new ArrayList<>(1);
    queues.addTo(out);
    return out;
  }

  /** Column 5 is {@code tx_queue:rx_queue}, two hex numbers; a missing file means no such protocol. */
  private void add(MetricFamily.Builder queues, String ip, List<String> lines) {
    if (lines.isEmpty()) {
      return;
    }
    long tx = 0;
    long rx = 0;
    int[] starts = new int[5];
    int[] ends = new int[5];
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      int count = KernelText.tokenize(line, 0, line.length(), starts, ends);
      int colon = count > 4 ? line.indexOf(':', starts[4]) : -1;
      if (colon < 0 || colon >= ends[4]) {
        skipped.add(name());
        continue;
      }
      try {
        tx += Long.parseLong(line, starts[4], colon, 16);
        rx += Long.parseLong(line, colon + 1, ends[4], 16);
      } catch (NumberFormatException e) {
        skipped.add(name());
      }
    }
    queues.add(rx, ip, "rx");
    queues.add(tx, ip, "tx");
  }
}

package dev.nodewatch.collectors.host;

import dev.nodewatch.collectors.metrics.MetricCollector;
import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * ARP table entries per interface from the host's {@code net/arp}; a neighbour table near its kernel limit
 * ({@code gc_thresh3}) drops traffic, which is what this is watched for.
 *
 * <pre>
 * # TYPE node_arp_entries gauge
 * node_arp_entries{device="eth0"} 3
 * </pre>
 */
public final class ArpCollector implements MetricCollector {

  private final HostPaths paths;
  private final SkippedLines skipped;

  public ArpCollector(HostPaths paths, SkippedLines skipped) {
    this.paths = paths;
    this.skipped = skipped;
  }

  @Override
  public String name() {
    return "arp";
  }

  @Override
  public List<MetricFamily> collect() throws IOException {
    List<String> lines = HostNetFiles.lines(paths, "arp");
    Map<String, Integer> perDevice = new TreeMap<>();
    int[] starts = new int[6];
    int[] ends = new int[6];
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty()) {
        continue;
      }
      // IP, HW type, flags, HW address, mask, device: a line with other columns is not an entry.
      if (KernelText.tokenize(line, 0, line.length(), starts, ends) != 6) {
        skipped.add(name());
        continue;
      }
      perDevice.merge(line.substring(starts[5], ends[5]), 1, Integer::sum);
    }
    MetricFamily.Builder entries = MetricFamily.gauge("node_arp_entries", "Entries in the ARP table, per interface.",
        "device");
    perDevice.forEach((device, count) -> entries.add(count, device));
    List<MetricFamily> out = new ArrayList<>(1);
    entries.addTo(out);
    return out;
  }
}

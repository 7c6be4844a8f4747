package dev.nodewatch.exporters.prometheus;

import io.prometheus.client.Collector;
import io.prometheus.client.GaugeMetricFamily;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code process_virtual_memory_max_bytes}, the process's address-space limit, which Prometheus' Go client exposes
 * beside {@code process_virtual_memory_bytes} and simpleclient's {@code StandardExports} does not; "Node Exporter
 * Full" plots the two together. Unlimited is 2^64, as the Go client reports {@code RLIM_INFINITY}.
 *
 * <pre>
 * # TYPE process_virtual_memory_max_bytes gauge
 * process_virtual_memory_max_bytes 1.8446744073709552E19
 * </pre>
 */
final class AddressSpaceLimit extends Collector {

  private final Path limits;

  AddressSpaceLimit(Path limits) {
    this.limits = limits;
  }

  @Override
  public List<MetricFamilySamples> collect() {
    try {
      for (String line : Files.readAllLines(limits, StandardCharsets.US_ASCII)) {
        if (line.startsWith("Max address space")) {
          String soft = line.substring("Max address space".length()).trim().split("\\s+")[0];
          double value = soft.equals("unlimited") ? 0x1p64 : Double.parseDouble(soft);
          return List.of(new GaugeMetricFamily("process_virtual_memory_max_bytes",
              "Largest virtual memory the process may use, in bytes.", value));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // Not Linux, or a kernel that words the table differently: the series is simply absent, like elsewhere.
      return List.of();
    }
    return List.of();
  }
}

package dev.nodewatch.agent;

import dev.nodewatch.collectors.logs.ContainerLogCounts;
import dev.nodewatch.collectors.logs.TailerStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code nodewatch_container_log_lines_total} and {@code nodewatch_container_log_bytes_total} per container
 * ({@code namespace}, {@code pod}, {@code container}, as cAdvisor names them), kept in step with the containers the
 * tailer reads: a container's series appear with its first file and go with its last, so a node's series do not
 * grow with every pod it ever ran. Synced from an event-loop timer; the sync only compares two in-memory sets.
 */
final class ContainerLogMeters {

  private final MeterRegistry registry;
  private final TailerStats stats;
  private final Map<ContainerLogCounts, List<Meter>> registered = new IdentityHashMap<>();

  ContainerLogMeters(MeterRegistry registry, TailerStats stats) {
    this.registry = registry;
    this.stats = stats;
  }

  void sync() {
    Map<ContainerLogCounts, Boolean> now = new IdentityHashMap<>();
    stats.containers().forEach(c -> now.put(c, Boolean.TRUE));
    for (ContainerLogCounts counts : now.keySet()) {
      registered.computeIfAbsent(counts, this::register);
    }
    Set<ContainerLogCounts> gone = new java.util.HashSet<>();
    registered.keySet().forEach(c -> {
      if (!now.containsKey(c)) {
        gone.add(c);
      }
    });
    for (ContainerLogCounts counts : gone) {
      registered.remove(counts).forEach(registry::remove);
    }
  }

  private List<Meter> register(ContainerLogCounts counts) {
    Tags tags = Tags.of("namespace", counts.namespace(), "pod", counts.pod(), "container", counts.container());
    return List.of(
        FunctionCounter.builder("nodewatch.container.log.lines", counts, ContainerLogCounts::lines).tags(tags)
            .description("Log lines of a container appended to the queue (joined lines).").register(registry),
        FunctionCounter.builder("nodewatch.container.log.bytes", counts, ContainerLogCounts::bytes).tags(tags)
            .description("Bytes read from a container's log files.").register(registry));
  }
}

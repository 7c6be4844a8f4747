package dev.nodewatch.exporters.prometheus;

import dev.nodewatch.collectors.metrics.CollectionRunner;
import dev.nodewatch.collectors.metrics.CollectionRunner.Outcome;
import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the {@link CollectionRunner}s collect at scrape time, with the per-collector health series alerts are written
 * against:
 *
 * <pre>
 * node_scrape_collector_success{collector="filesystem"} 1
 * node_scrape_collector_duration_seconds{collector="filesystem"} 0.0004
 * nodewatch_scrape_collector_success{collector="filesystem"} 1
 * nodewatch_host_lines_skipped_total{collector="meminfo"} 0
 * </pre>
 *
 * The {@code node_} names are node_exporter's, so its existing alerts keep working; they cover the host collectors
 * only, as they would on node_exporter. The {@code nodewatch_} names cover every collector the agent runs.
 */
public final class CollectedMetrics implements Supplier<List<MetricFamily>> {

  /**
   * One set of collectors run together.
   *
   * @param legacyPrefix {@code "node"} for host collectors (node_exporter's scrape series), or null
   */
  public record Source(CollectionRunner runner, String legacyPrefix) {}

  private final List<Source> sources;
  private final SkippedLines skipped;

  public CollectedMetrics(List<Source> sources, SkippedLines skipped) {
    this.sources = List.copyOf(sources);
    this.skipped = skipped;
  }

  /** Runs every source's collectors (joining a collection in flight) and returns their families. */
  @Override
  public List<MetricFamily> get() {
    List<MetricFamily> out = new ArrayList<>();
    List<Outcome> all = new ArrayList<>();
    // Every source starts before any is awaited: they collect at once, so a scrape takes as long as the slowest
    // source (at most one collector_timeout), not the sum, and still answers within a scrape timeout.
    List<CollectionRunner.Pending> started = new ArrayList<>(sources.size());
    for (Source source : sources) {
      started.add(source.runner().start());
    }
    boolean interrupted = false;
    for (int i = 0; i < sources.size(); i++) {
      List<Outcome> outcomes;
      try {
        outcomes = started.get(i).await();
      } catch (InterruptedException e) {
        // the others are still awaited: a started collection left unawaited would never end
        interrupted = true;
        continue;
      }
      for (Outcome outcome : outcomes) {
        out.addAll(outcome.families());
      }
      if (sources.get(i).legacyPrefix() != null) {
        out.addAll(health(sources.get(i).legacyPrefix(), outcomes));
      }
      all.addAll(outcomes);
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
      return List.of();
    }
    out.addAll(health("nodewatch", all));
    MetricFamily.Builder skippedLines = MetricFamily.counter("nodewatch_host_lines_skipped_total",
        "Lines of kernel files a collector could not parse and skipped.", "collector");
    for (Map.Entry<String, Long> e : skipped.snapshot().entrySet()) {
      skippedLines.add(e.getValue(), e.getKey());
    }
    skippedLines.addTo(out);
    return out;
  }

  private static List<MetricFamily> health(String prefix, List<Outcome> outcomes) {
    MetricFamily.Builder success = MetricFamily.gauge(prefix + "_scrape_collector_success",
        "Whether a collector succeeded in this scrape (1) or failed or timed out (0).", "collector");
    MetricFamily.Builder duration = MetricFamily.gauge(prefix + "_scrape_collector_duration_seconds",
        "How long a collector took in this scrape.", "collector");
    for (Outcome o : outcomes) {
      success.add(o.success() ? 1 : 0, o.collector());
      duration.add(o.duration().toNanos() / 1e9, o.collector());
    }
    return List.of(duration.build(), success.build());
  }
}

package dev.nodewatch.exporters.prometheus;

import dev.nodewatch.collectors.metrics.CollectionRunner;
import dev.nodewatch.collectors.metrics.CollectionRunner.Outcome;
import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import dev.nodewatch.collectors.metrics.Sample;
import dev.nodewatch.collectors.metrics.SkippedLines;
import io.prometheus.client.Collector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Puts what a {@link CollectionRunner} collects into the Prometheus registry, with the per-collector health series
 * alerts are written against:
 *
 * <pre>
 * node_scrape_collector_success{collector="filesystem"} 1
 * node_scrape_collector_duration_seconds{collector="filesystem"} 0.0004
 * nodewatch_scrape_collector_success{collector="filesystem"} 1
 * nodewatch_host_lines_skipped_total{collector="meminfo"} 0
 * </pre>
 *
 * The {@code node_} names are node_exporter's, so its existing alerts keep working; the {@code nodewatch_} names
 * cover every collector the agent runs.
 */
public final class CollectedMetrics extends Collector implements Collector.Describable {

  private final CollectionRunner runner;
  private final String legacyPrefix;
  private final SkippedLines skipped;

  /**
   * @param legacyPrefix {@code "node"} for host collectors (node_exporter's scrape series), or null
   */
  public CollectedMetrics(CollectionRunner runner, String legacyPrefix, SkippedLines skipped) {
    this.runner = runner;
    this.legacyPrefix = legacyPrefix;
    this.skipped = skipped;
  }

  /**
   * Nothing up front: the families depend on what the node has at scrape time. Without this the registry would
   * run a whole collection at registration and let {@code name[]} filters see only the families present then.
   */
  @Override
  public List<MetricFamilySamples> describe() {
    return List.of();
  }

  @Override
  public List<MetricFamilySamples> collect() {
    List<Outcome> outcomes;
    try {
      outcomes = runner.collect();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
    List<MetricFamilySamples> out = new ArrayList<>();
    for (Outcome outcome : outcomes) {
      for (MetricFamily family : outcome.families()) {
        out.add(convert(family));
      }
    }
    if (legacyPrefix != null) {
      out.addAll(health(legacyPrefix, outcomes));
    }
    out.addAll(health("nodewatch", outcomes));
    MetricFamily.Builder skippedLines = MetricFamily.counter("nodewatch_host_lines_skipped_total",
        "Lines of kernel files a collector could not parse and skipped.", "collector");
    for (Map.Entry<String, Long> e : skipped.snapshot().entrySet()) {
      skippedLines.add(e.getValue(), e.getKey());
    }
    if (!skippedLines.isEmpty()) {
      out.add(convert(skippedLines.build()));
    }
    return out;
  }

  private static List<MetricFamilySamples> health(String prefix, List<Outcome> outcomes) {
    MetricFamily.Builder success = MetricFamily.gauge(prefix + "_scrape_collector_success",
        "Whether a collector succeeded in this scrape (1) or failed or timed out (0).", "collector");
    MetricFamily.Builder duration = MetricFamily.gauge(prefix + "_scrape_collector_duration_seconds",
        "How long a collector took in this scrape.", "collector");
    for (Outcome o : outcomes) {
      success.add(o.success() ? 1 : 0, o.collector());
      duration.add(o.duration().toNanos() / 1e9, o.collector());
    }
    return List.of(convert(duration.build()), convert(success.build()));
  }

  static MetricFamilySamples convert(MetricFamily family) {
    Type type = switch (family.type()) {
      // simpleclient writes a counter's TYPE line as <family>_total; a counter named otherwise would not match its
      // own samples, so it goes out untyped rather than malformed.
      case COUNTER -> family.name().endsWith("_total") ? Type.COUNTER : Type.UNKNOWN;
      case GAUGE -> Type.GAUGE;
      case UNTYPED -> Type.UNKNOWN;
    };
    List<MetricFamilySamples.Sample> samples = new ArrayList<>(family.samples().size());
    for (Sample s : family.samples()) {
      samples.add(new MetricFamilySamples.Sample(family.name(), family.labelNames(), s.labelValues(), s.value()));
    }
    return new MetricFamilySamples(baseName(family), type, family.help(), samples);
  }

  /** simpleclient names a counter family without {@code _total} and adds it back when writing. */
  private static String baseName(MetricFamily family) {
    String name = family.name();
    return family.type() == MetricType.COUNTER && name.endsWith("_total")
        ? name.substring(0, name.length() - "_total".length()) : name;
  }
}

package dev.nodewatch.exporters.prometheus;

import dev.nodewatch.collectors.metrics.MetricFamily;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.Writer;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Renders the collected host and container families and the registry (the agent's own JVM and HTTP metrics) in the
 * format the scraper asked for: Prometheus text 0.0.4 by default, OpenMetrics 1.0 when the {@code Accept} header
 * prefers it (Prometheus 2.5+ asks for it when exemplars or native histograms are on). The collected families are
 * written by {@link FamilyTextWriter}, the registry by simpleclient.
 *
 * <p>Collecting reads files; call {@link #render} on a worker thread.
 */
public final class PrometheusExposition {

  /** Below this many samples a second thread costs more than it saves. */
  private static final int PARALLEL_SAMPLES = 10_000;

  private final CollectorRegistry registry;
  private final Supplier<List<MetricFamily>> collected;
  private final Executor helper;

  /**
   * @param collected what the host and container collectors give at scrape time
   * @param helper renders half of a large body (a node with hundreds of containers) in parallel; null to render on
   *     the calling thread only
   */
  public PrometheusExposition(CollectorRegistry registry, Supplier<List<MetricFamily>> collected, Executor helper) {
    this.registry = registry;
    this.collected = collected;
    this.helper = helper;
  }

  public PrometheusExposition(CollectorRegistry registry, Supplier<List<MetricFamily>> collected) {
    this(registry, collected, null);
  }

  /**
   * The body, as chunks to write in order, and its content type.
   *
   * @param length the body's length in bytes, the sum of the chunks'
   */
  public record Rendered(String contentType, List<Buffer> chunks, int length) {}

  /**
   * Collects and writes everything.
   *
   * @param accept the request's Accept header, or null
   * @param names the {@code name[]} query parameters (Prometheus' federation-style filter); empty means all
   */
  public Rendered render(String accept, List<String> names) throws IOException {
    String contentType = TextFormat.chooseContentType(accept);
    Set<String> wanted = Set.copyOf(names);
    List<MetricFamily> families = collected.get();
    Enumeration<MetricFamilySamples> samples = names.isEmpty()
        ? registry.metricFamilySamples()
        : registry.filteredMetricFamilySamples(wanted);
    BodyChunks body = new BodyChunks();
    boolean openMetrics = contentType.equals(TextFormat.CONTENT_TYPE_OPENMETRICS_100);
    List<MetricFamily> selected = wanted.isEmpty() ? families
        : families.stream().filter(f -> wanted.contains(f.name())).toList();
    writeFamilies(selected, body, openMetrics);
    // simpleclient's part comes last: in OpenMetrics it ends the body with "# EOF".
    try (Writer writer = new BodyWriter(body)) {
      TextFormat.writeFormat(contentType, writer, samples);
    }
    return new Rendered(contentType, body.chunks(), body.length());
  }

  /** Writes the families, the second half (by samples) on the helper when there are many. */
  private void writeFamilies(List<MetricFamily> families, BodyChunks body, boolean openMetrics) {
    int total = 0;
    for (MetricFamily f : families) {
      total += f.samples().size();
    }
    int split = families.size();
    if (helper != null && total >= PARALLEL_SAMPLES) {
      int seen = 0;
      for (split = 0; split < families.size() && seen < total / 2; split++) {
        seen += families.get(split).samples().size();
      }
    }
    List<MetricFamily> second = families.subList(split, families.size());
    CompletableFuture<BodyChunks> secondHalf = second.isEmpty() ? null : CompletableFuture.supplyAsync(() -> {
      BodyChunks part = new BodyChunks();
      write(second, part, openMetrics);
      return part;
    }, helper);
    write(families.subList(0, split), body, openMetrics);
    if (secondHalf == null) {
      return;
    }
    // The helper's threads may still be busy with a collection that outlived its timeout: a half that has not
    // started yet is written here instead of waiting for them; one that has started finishes on its own.
    if (secondHalf.cancel(false)) {
      write(second, body, openMetrics);
    } else {
      body.append(secondHalf.join());
    }
  }

  private static void write(List<MetricFamily> families, BodyChunks out, boolean openMetrics) {
    FamilyTextWriter writer = new FamilyTextWriter(out, openMetrics);
    for (MetricFamily family : families) {
      writer.write(family);
    }
    writer.flush();
  }
}

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

  private static final int MIN_BODY_BYTES = 64 * 1024;

  private final CollectorRegistry registry;
  private final Supplier<List<MetricFamily>> collected;
  /**
   * The last body's size: the next buffer starts a little larger, instead of doubling its way from 64 KiB to the
   * megabytes of a node with many containers, copying the body at each step.
   */
  private volatile int lastBodyBytes = MIN_BODY_BYTES;

  /** @param collected what the host and container collectors give at scrape time */
  public PrometheusExposition(CollectorRegistry registry, Supplier<List<MetricFamily>> collected) {
    this.registry = registry;
    this.collected = collected;
  }

  /** The body and its content type. */
  public record Rendered(String contentType, Buffer body) {}

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
    int expected = lastBodyBytes;
    Buffer body = Buffer.buffer(Math.max(MIN_BODY_BYTES, expected + expected / 8));
    FamilyTextWriter familyWriter = new FamilyTextWriter(body, contentType.equals(TextFormat.CONTENT_TYPE_OPENMETRICS_100));
    for (MetricFamily family : families) {
      if (wanted.isEmpty() || wanted.contains(family.name())) {
        familyWriter.write(family);
      }
    }
    familyWriter.flush();
    // simpleclient's part comes last: in OpenMetrics it ends the body with "# EOF".
    try (Writer writer = new BufferWriter(body)) {
      TextFormat.writeFormat(contentType, writer, samples);
    }
    lastBodyBytes = body.length();
    return new Rendered(contentType, body);
  }
}

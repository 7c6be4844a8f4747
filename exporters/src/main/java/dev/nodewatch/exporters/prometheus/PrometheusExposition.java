package dev.nodewatch.exporters.prometheus;

import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import io.vertx.core.buffer.Buffer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;

/**
 * Renders a registry in the format the scraper asked for: Prometheus text 0.0.4 by default, OpenMetrics 1.0 when the
 * {@code Accept} header prefers it (Prometheus 2.5+ asks for it when exemplars or native histograms are on).
 *
 * <p>Collecting runs every registered collector, which reads files; call {@link #render} on a worker thread.
 */
public final class PrometheusExposition {

  private final CollectorRegistry registry;

  public PrometheusExposition(CollectorRegistry registry) {
    this.registry = registry;
  }

  /** The body and its content type. */
  public record Rendered(String contentType, Buffer body) {}

  /**
   * Collects and writes the registry.
   *
   * @param accept the request's Accept header, or null
   * @param names the {@code name[]} query parameters (Prometheus' federation-style filter); empty means all
   */
  public Rendered render(String accept, List<String> names) throws IOException {
    String contentType = TextFormat.chooseContentType(accept);
    Enumeration<MetricFamilySamples> samples = names.isEmpty()
        ? registry.metricFamilySamples()
        : registry.filteredMetricFamilySamples(Set.copyOf(names));
    Buffer body = Buffer.buffer(64 * 1024);
    // The text format is written in many small pieces; buffering the characters first lets the UTF-8 encoder run
    // over 8 KiB at a time instead of once per label value.
    try (Writer writer = new BufferedWriter(
        new OutputStreamWriter(new BufferOutputStream(body), StandardCharsets.UTF_8), 8192)) {
      TextFormat.writeFormat(contentType, writer, samples);
    }
    return new Rendered(contentType, body);
  }

  /** Appends straight into the Vert.x buffer that becomes the response, with no intermediate copy of the body. */
  private static final class BufferOutputStream extends OutputStream {
    private final Buffer buffer;

    BufferOutputStream(Buffer buffer) {
      this.buffer = buffer;
    }

    @Override
    public void write(int b) {
      buffer.appendByte((byte) b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      buffer.appendBytes(bytes, offset, length);
    }
  }
}

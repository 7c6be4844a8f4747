package dev.nodewatch.exporters.sink.loki;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.Timestamp;
import com.google.protobuf.UnsafeByteOperations;
import dev.nodewatch.collectors.queue.LogRecord;
import dev.nodewatch.exporters.forward.Sink;
import dev.nodewatch.exporters.forward.SinkBatch;
import dev.nodewatch.exporters.forward.SinkException;
import dev.nodewatch.exporters.forward.SinkType;
import dev.nodewatch.exporters.forward.TopicTemplate;
import dev.nodewatch.exporters.http.BufferOutputStream;
import dev.nodewatch.exporters.http.Compression;
import dev.nodewatch.exporters.http.HttpReply;
import dev.nodewatch.exporters.http.HttpTransport;
import dev.nodewatch.exporters.sink.loki.proto.EntryAdapter;
import dev.nodewatch.exporters.sink.loki.proto.LabelPairAdapter;
import dev.nodewatch.exporters.sink.loki.proto.PushRequest;
import dev.nodewatch.exporters.sink.loki.proto.StreamAdapter;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pushes records to Loki ({@code POST /loki/api/v1/push}): one push per batch, or one per tenant when the tenant is
 * a template. Protobuf ({@code PushRequest}, snappy-compressed) by default, JSON with gzip as {@code encoding: json}.
 * Loki drops an entry identical to one its stream holds, and a batch sent again carries the same entries (see
 * {@link LokiStreams#group}), so a resend after a lost answer or a restart is stored once.
 */
public final class LokiSink implements Sink {

  /** {@code type: loki}. */
  public static final SinkType<LokiOptions> TYPE = new SinkType<>("loki", LokiOptions.class,
      (settings, options, context) -> new LokiSink(context.vertx(), options, settings.batch().maxBytes().bytes(),
          context.environment()));

  /**
   * Entries per push at most. A push is built as generated message objects, a dozen per entry, all alive until it is
   * sent: at 10,000 entries (the default batch) the young collections copied them again and again, GC took 18% of
   * the agent's CPU and peak RSS rose to 170 MiB; at 2,000, 4% and 132 MiB, and 15% more lines/s (BENCHMARKS.md).
   * Within the batch's limits, so a batch sent again is cut into the same pushes.
   */
  static final int PUSH_ENTRIES = 2_000;

  private static final LabelPairAdapter STDOUT = pair("stream", "stdout");
  private static final LabelPairAdapter STDERR = pair("stream", "stderr");
  private static final LabelPairAdapter TRUNCATED = pair("truncated", "true");
  private static final LabelPairAdapter MALFORMED = pair("malformed", "true");

  private final HttpTransport http;
  private final LokiStreams streams;
  private final boolean json;
  private final TopicTemplate tenant;
  private final long maxPushBytes;
  private final JsonFactory jsonFactory = new JsonFactory();

  /**
   * @param maxPushBytes {@code batch.max_bytes}: a push larger than this once compressed goes in halves
   * @param env where the proxy variables are read
   */
  public LokiSink(Vertx vertx, LokiOptions options, long maxPushBytes, Map<String, String> env) {
    this.http = new HttpTransport(vertx, options.httpEndpoint(), "Loki", env);
    this.streams = new LokiStreams(options.labels(), (int) options.maxLineBytes().bytes());
    this.json = options.json();
    this.tenant = options.tenantId() == null ? null : new TopicTemplate(options.tenantId());
    this.maxPushBytes = maxPushBytes;
  }

  @Override
  public List<Rejection> send(SinkBatch batch) throws SinkException {
    if (tenant == null || tenant.fixed() != null) {
      push(tenant == null ? null : tenant.fixed(), batch.records());
      return List.of();
    }
    Map<String, List<LogRecord>> byTenant = new LinkedHashMap<>();
    for (LogRecord record : batch.records()) {
      byTenant.computeIfAbsent(tenant.render(record), t -> new ArrayList<>()).add(record);
    }
    for (Map.Entry<String, List<LogRecord>> part : byTenant.entrySet()) {
      push(part.getKey(), part.getValue());
    }
    return List.of();
  }

  private void push(String tenantId, List<LogRecord> records) throws SinkException {
    if (records.size() > PUSH_ENTRIES) {
      for (int from = 0; from < records.size(); from += PUSH_ENTRIES) {
        push(tenantId, records.subList(from, Math.min(records.size(), from + PUSH_ENTRIES)));
      }
      return;
    }
    Buffer body = encode(streams.group(records));
    if (body.length() > maxPushBytes && records.size() > 1) {
      int half = records.size() / 2;
      push(tenantId, records.subList(0, half));
      push(tenantId, records.subList(half, records.size()));
      return;
    }
    HttpReply reply = http.send(HttpMethod.POST, "", headers(tenantId), body, compression());
    if (!reply.ok()) {
      // 429 and 5xx are retried (Retry-After honoured); 400 (entry too old, line too long, out of order) and other
      // 4xx are refusals for good, which the pipeline narrows down to the records at fault
      throw http.failure(reply);
    }
  }

  /** Loki answers and takes this tenant's pushes: an empty push is accepted, and stores nothing. */
  @Override
  public String check() throws SinkException {
    String fixed = tenant == null ? null : tenant.fixed();
    HttpReply reply = http.send(HttpMethod.POST, "", headers(fixed), encode(List.of()), compression());
    String encoding = json ? "JSON, gzip" : "protobuf, snappy";
    if (reply.ok()) {
      return "Loki at " + http.route() + " takes pushes (" + encoding + ")"
          + (fixed == null ? "" : ", tenant " + fixed);
    }
    if (reply.status() == 401 && tenant != null && fixed == null) {
      // a multi-tenant Loki refuses a push without a tenant; which tenant a record has depends on the record
      return "Loki at " + http.route() + " answers (" + encoding + "), a tenant per record from tenant_id";
    }
    throw http.failure(reply);
  }

  private Map<String, String> headers(String tenantId) {
    Map<String, String> headers = new HashMap<>();
    headers.put("Content-Type", json ? "application/json" : "application/x-protobuf");
    if (tenantId != null) {
      headers.put("X-Scope-OrgID", tenantId);
    }
    return headers;
  }

  private Compression compression() {
    return json ? Compression.GZIP : Compression.SNAPPY;
  }

  private Buffer encode(List<LokiStreams.Stream> grouped) throws SinkException {
    Buffer body = Buffer.buffer(64 * 1024);
    try (OutputStream out = compression().wrap(new BufferOutputStream(body))) {
      if (json) {
        writeJson(grouped, out);
      } else {
        out.write(protobuf(grouped).toByteArray()); // one array of the exact size: snappy compresses it whole
      }
    } catch (IOException e) {
      throw SinkException.retryable("encode", "cannot encode the push: " + e.getMessage(), e);
    }
    return body;
  }

  /**
   * The push as generated classes: per entry only its time, a view of its line (not a copy: a record's bytes are
   * never modified) and its own metadata pairs; the pairs a file's lines share are made once per file.
   */
  private static PushRequest protobuf(List<LokiStreams.Stream> grouped) {
    Map<LokiStreams.Shared, List<LabelPairAdapter>> sharedPairs = new IdentityHashMap<>();
    PushRequest.Builder push = PushRequest.newBuilder();
    for (LokiStreams.Stream stream : grouped) {
      StreamAdapter.Builder adapter = push.addStreamsBuilder().setLabels(stream.labels());
      for (LokiStreams.Entry entry : stream.entries()) {
        EntryAdapter.Builder line = adapter.addEntriesBuilder()
            .setTimestamp(Timestamp.newBuilder()
                .setSeconds(Math.floorDiv(entry.timestampNanos(), 1_000_000_000L))
                .setNanos((int) Math.floorMod(entry.timestampNanos(), 1_000_000_000L)))
            .setLineBytes(UnsafeByteOperations.unsafeWrap(entry.line(), 0, entry.length()))
            .addAllStructuredMetadata(sharedPairs.computeIfAbsent(entry.shared(), LokiSink::pairs));
        if (entry.stream() != null) {
          line.addStructuredMetadata(entry.stream().equals("stderr") ? STDERR : STDOUT);
        }
        line.addStructuredMetadata(pair("offset", Long.toString(entry.offset())));
        if (entry.truncated()) {
          line.addStructuredMetadata(TRUNCATED);
        }
        if (entry.malformed()) {
          line.addStructuredMetadata(MALFORMED);
        }
      }
    }
    return push.build();
  }

  private static List<LabelPairAdapter> pairs(LokiStreams.Shared shared) {
    List<LabelPairAdapter> pairs = new ArrayList<>(shared.metadata().size());
    shared.metadata().forEach((name, value) -> pairs.add(pair(name, value)));
    return pairs;
  }

  private static LabelPairAdapter pair(String name, String value) {
    return LabelPairAdapter.newBuilder().setName(name).setValue(value).build();
  }

  /** {@code {"streams":[{"stream":{labels},"values":[["<ns>","<line>",{metadata}],…]}]}}. */
  private void writeJson(List<LokiStreams.Stream> grouped, OutputStream out) throws IOException {
    try (JsonGenerator push = jsonFactory.createGenerator(out)) {
      push.writeStartObject();
      push.writeArrayFieldStart("streams");
      for (LokiStreams.Stream stream : grouped) {
        push.writeStartObject();
        push.writeObjectFieldStart("stream");
        for (Map.Entry<String, String> label : stream.labelMap().entrySet()) {
          push.writeStringField(label.getKey(), label.getValue());
        }
        push.writeEndObject();
        push.writeArrayFieldStart("values");
        for (LokiStreams.Entry entry : stream.entries()) {
          push.writeStartArray();
          push.writeString(Long.toString(entry.timestampNanos()));
          push.writeUTF8String(entry.line(), 0, entry.length());
          push.writeStartObject();
          for (Map.Entry<String, String> pair : entry.shared().metadata().entrySet()) {
            push.writeStringField(pair.getKey(), pair.getValue());
          }
          if (entry.stream() != null) {
            push.writeStringField("stream", entry.stream());
          }
          push.writeStringField("offset", Long.toString(entry.offset()));
          if (entry.truncated()) {
            push.writeStringField("truncated", "true");
          }
          if (entry.malformed()) {
            push.writeStringField("malformed", "true");
          }
          push.writeEndObject();
          push.writeEndArray();
        }
        push.writeEndArray();
        push.writeEndObject();
      }
      push.writeEndArray();
      push.writeEndObject();
    }
  }

  @Override
  public void close() {
    http.close();
  }
}

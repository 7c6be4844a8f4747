package dev.nodewatch.exporters.forward;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.nodewatch.collectors.queue.LogRecord;
import dev.nodewatch.collectors.queue.LogSource;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Map;

/**
 * A record as one JSON object, with every field a sink may need: time (RFC 3339, nanoseconds), stream, message,
 * node, pod metadata and labels, and the source file and offset that make the record traceable and deduplicable.
 * {@code truncated} and {@code malformed} appear only when true. Not thread-safe: one per sink.
 */
public final class RecordJson {

  private final JsonFactory factory = new JsonFactory();
  /** The date and time to the second of the last timestamp written: a batch's lines mostly share their second. */
  private long lastSecond = Long.MIN_VALUE;
  private String lastSecondText;
  private final StringBuilder timestamp = new StringBuilder(32);

  /** Writes each record as one line of JSON (NDJSON). */
  public void writeLines(Iterable<LogRecord> records, OutputStream out) throws IOException {
    try (JsonGenerator json = factory.createGenerator(out)) {
      json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
      for (LogRecord record : records) {
        write(record, json);
        json.writeRaw('\n');
      }
    }
  }

  /**
   * RFC 3339 in UTC with all nine digits of nanoseconds. Formatting the date once per second, not per record
   * (with {@code Instant.toString}), halves the cost of a record.
   */
  private String timestamp(long nanos) {
    long second = Math.floorDiv(nanos, 1_000_000_000L);
    if (second != lastSecond) {
      lastSecond = second;
      String text = Instant.ofEpochSecond(second).toString(); // 2025-11-25T10:00:00Z
      lastSecondText = text.substring(0, text.length() - 1);
    }
    String fraction = Long.toString(Math.floorMod(nanos, 1_000_000_000L));
    timestamp.setLength(0);
    timestamp.append(lastSecondText).append('.');
    for (int pad = fraction.length(); pad < 9; pad++) {
      timestamp.append('0');
    }
    return timestamp.append(fraction).append('Z').toString();
  }

  public void write(LogRecord record, JsonGenerator json) throws IOException {
    LogSource source = record.source();
    json.writeStartObject();
    json.writeStringField("timestamp", timestamp(record.timestampNanos()));
    json.writeStringField("stream", record.stream());
    json.writeFieldName("message");
    json.writeUTF8String(record.messageUtf8(), 0, record.messageUtf8().length);
    json.writeStringField("node", record.node());
    json.writeStringField("namespace", source.namespace());
    json.writeStringField("pod", source.pod());
    json.writeStringField("pod_uid", source.podUid());
    json.writeStringField("container", source.container());
    json.writeStringField("container_id", source.containerId());
    if (source.restartCount() >= 0) {
      json.writeNumberField("restart_count", source.restartCount());
    }
    if (!source.labels().isEmpty()) {
      json.writeObjectFieldStart("labels");
      for (Map.Entry<String, String> label : source.labels().entrySet()) {
        json.writeStringField(label.getKey(), label.getValue());
      }
      json.writeEndObject();
    }
    json.writeStringField("file", source.path());
    json.writeNumberField("offset", record.offset());
    if (record.truncated()) {
      json.writeBooleanField("truncated", true);
    }
    if (record.malformed()) {
      json.writeBooleanField("malformed", true);
    }
    json.writeEndObject();
  }
}

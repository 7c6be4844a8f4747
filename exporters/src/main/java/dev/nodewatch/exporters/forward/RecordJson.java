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
 * {@code truncated} and {@code malformed} appear only when true.
 */
public final class RecordJson {

  private final JsonFactory factory = new JsonFactory();

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

  public void write(LogRecord record, JsonGenerator json) throws IOException {
    LogSource source = record.source();
    json.writeStartObject();
    json.writeStringField("timestamp", Instant.ofEpochSecond(0, record.timestampNanos()).toString());
    json.writeStringField("stream", record.stream());
    json.writeStringField("message", record.message());
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

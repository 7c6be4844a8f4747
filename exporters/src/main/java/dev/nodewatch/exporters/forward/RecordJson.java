package dev.nodewatch.exporters.forward;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.nodewatch.collectors.queue.LogRecord;
import dev.nodewatch.collectors.queue.LogSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Map;

/**
 * A record as one JSON object, with every field a sink may need: time (RFC 3339, nanoseconds), stream, message,
 * node, pod metadata and labels, and the source file and offset that make the record traceable and deduplicable.
 * {@code truncated} and {@code malformed} appear only when true. Not thread-safe: one per sink.
 */
public final class RecordJson {

  /** Field names the sinks share, encoded once. */
  public static final SerializedString TIMESTAMP = new SerializedString("timestamp");
  public static final SerializedString STREAM = new SerializedString("stream");
  public static final SerializedString MESSAGE = new SerializedString("message");
  public static final SerializedString OFFSET = new SerializedString("offset");
  private static final SerializedString STDOUT = new SerializedString("stdout");
  private static final SerializedString STDERR = new SerializedString("stderr");

  /** The record's stream name, encoded once. */
  public static SerializedString stream(LogRecord record) {
    String stream = record.stream();
    // the queue hands out the two literals: compared by identity first, a per-record cost saved
    if (stream == STDOUT.getValue()) {
      return STDOUT;
    }
    return stream == STDERR.getValue() || stream.equals("stderr") ? STDERR : STDOUT;
  }

  private final JsonFactory factory = new JsonFactory();
  /** The day of the last timestamp written, whose date is in {@link #timestamp}. */
  private long lastDay = Long.MIN_VALUE;
  /** {@code 2025-11-25T10:00:00.nnnnnnnnnZ}: the date is rewritten once a day, the rest per record. */
  private final byte[] timestamp = new byte[30];
  private LogSource lastSource;
  private String lastNode;
  private SerializedString lastSourceFields;

  /**
   * Writes each record as one line of JSON (NDJSON): each line begins with its object and ends with a newline, the
   * way {@code jq -c}, {@code grep '^{'} and line-based readers take it (Jackson would otherwise put a space before
   * every root value after the first).
   */
  public void writeLines(Iterable<LogRecord> records, OutputStream out) throws IOException {
    try (JsonGenerator json = factory.createGenerator(out)) {
      json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
      json.setRootValueSeparator(null);
      for (LogRecord record : records) {
        write(record, json);
        json.writeRaw('\n');
      }
    }
  }

  /**
   * RFC 3339 in UTC with all nine digits of nanoseconds, into {@link #timestamp}: the date is formatted once a day
   * (nanoseconds in a long span the years 1677 to 2262, always four digits), the time and fraction from digits.
   */
  private void timestamp(long nanos) {
    long second = Math.floorDiv(nanos, 1_000_000_000L);
    long day = Math.floorDiv(second, 86_400L);
    if (day != lastDay) {
      lastDay = day;
      String date = LocalDate.ofEpochDay(day).toString(); // 2025-11-25
      System.arraycopy(date.getBytes(StandardCharsets.US_ASCII), 0, timestamp, 0, 10);
      timestamp[10] = 'T';
      timestamp[13] = ':';
      timestamp[16] = ':';
      timestamp[19] = '.';
      timestamp[29] = 'Z';
    }
    int ofDay = (int) Math.floorMod(second, 86_400L);
    twoDigits(11, ofDay / 3600);
    twoDigits(14, ofDay / 60 % 60);
    twoDigits(17, ofDay % 60);
    long fraction = Math.floorMod(nanos, 1_000_000_000L);
    for (int i = 28; i >= 20; i--) {
      timestamp[i] = (byte) ('0' + fraction % 10);
      fraction /= 10;
    }
  }

  private void twoDigits(int at, int value) {
    timestamp[at] = (byte) ('0' + value / 10);
    timestamp[at + 1] = (byte) ('0' + value % 10);
  }

  public void write(LogRecord record, JsonGenerator json) throws IOException {
    json.writeStartObject();
    json.writeFieldName(TIMESTAMP);
    timestamp(record.timestampNanos());
    json.writeUTF8String(timestamp, 0, timestamp.length);
    json.writeFieldName(STREAM);
    json.writeString(stream(record));
    json.writeFieldName(MESSAGE);
    json.writeUTF8String(record.messageUtf8(), 0, record.messageUtf8().length);
    // the node's and the source's fields, the same for every record of a file, are written once and copied
    json.writeRaw(sourceFields(record));
    json.writeFieldName(OFFSET);
    json.writeNumber(record.offset());
    if (record.truncated()) {
      json.writeBooleanField("truncated", true);
    }
    if (record.malformed()) {
      json.writeBooleanField("malformed", true);
    }
    json.writeEndObject();
  }

  /**
   * {@code ,"node":…,"file":"…"} for the record's node and source, made by Jackson (so escaped as any field) and
   * kept while records of the same source follow each other, as in a batch they do.
   */
  private SerializedString sourceFields(LogRecord record) throws IOException {
    LogSource source = record.source();
    if (source != lastSource || !record.node().equals(lastNode)) {
      lastSourceFields = fragment(factory, json -> {
        writeWhere(record, json);
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
      });
      lastSource = source;
      lastNode = record.node();
    }
    return lastSourceFields;
  }

  /** The fields naming where a record comes from: node, namespace, pod, pod_uid, container, container_id. */
  public static void writeWhere(LogRecord record, JsonGenerator json) throws IOException {
    LogSource source = record.source();
    json.writeStringField("node", record.node());
    json.writeStringField("namespace", source.namespace());
    json.writeStringField("pod", source.pod());
    json.writeStringField("pod_uid", source.podUid());
    json.writeStringField("container", source.container());
    json.writeStringField("container_id", source.containerId());
  }

  /** Writes fields of an object being written. */
  @FunctionalInterface
  public interface Fields {
    void write(JsonGenerator json) throws IOException;
  }

  /**
   * Fields written by Jackson (so escaped as any field), as raw JSON to follow other fields of an object: a comma,
   * then the fields, for {@link JsonGenerator#writeRaw(com.fasterxml.jackson.core.SerializableString)}, which copies
   * its UTF-8 bytes as they are.
   */
  public static SerializedString fragment(JsonFactory factory, Fields fields) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = factory.createGenerator(out)) {
      json.writeStartObject();
      fields.write(json);
      json.writeEndObject();
    }
    String object = out.toString(StandardCharsets.UTF_8);
    return new SerializedString("," + object.substring(1, object.length() - 1));
  }
}

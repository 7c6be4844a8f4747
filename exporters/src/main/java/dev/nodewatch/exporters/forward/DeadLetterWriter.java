package dev.nodewatch.exporters.forward;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.nodewatch.collectors.queue.DeadLetterQueue;
import dev.nodewatch.collectors.queue.LogRecord;
import dev.nodewatch.collectors.queue.QueueReader;
import dev.nodewatch.collectors.runtime.LoopThread;
import dev.nodewatch.collectors.runtime.RateLimitedLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Keeps what a sink refused for good in its dead-letter queue, one JSON entry each: when, which sink, why, the
 * server's error (cut to {@value #MAX_ERROR_CHARS} characters), then the record, or a queue document that could not
 * be decoded as its bytes. A write that fails (a full disk) is retried until it succeeds or the sender stops:
 * nothing refused is dropped.
 */
final class DeadLetterWriter {

  static final int MAX_ERROR_CHARS = 1000;

  private final String sink;
  private final DeadLetterQueue deadLetters;
  private final RetryConfig retry;
  private final RateLimitedLog errors;
  private final JsonFactory json = new JsonFactory();

  DeadLetterWriter(String sink, DeadLetterQueue deadLetters, RetryConfig retry, RateLimitedLog errors) {
    this.sink = sink;
    this.deadLetters = deadLetters;
    this.retry = retry;
    this.errors = errors;
  }

  /** Makes one entry. */
  @FunctionalInterface
  interface Entry {
    String json() throws IOException;
  }

  /** Keeps a refused record; false when stopping before it could be written. */
  boolean record(LoopThread loop, LogRecord record, String reason, String error) {
    return keep(loop, () -> entry(reason, error, record.messageUtf8().length, out -> {
      out.writeFieldName("record");
      new RecordJson().write(record, out); // rare, and senders may dead-letter at once
    }));
  }

  /** Keeps a queue document that could not be decoded, as it is (base64); false when stopping first. */
  boolean undecodable(LoopThread loop, QueueReader.Undecodable document) {
    return keep(loop, () -> entry("undecodable", document.error(), document.document().length, out -> {
      out.writeStringField("queue_index", Long.toHexString(document.index()));
      out.writeFieldName("document_base64");
      out.writeBinary(document.document());
    }));
  }

  /** Writes an entry, retrying until it is written; false when stopping first. */
  boolean keep(LoopThread loop, Entry entry) {
    Backoff backoff = new Backoff(retry);
    while (true) {
      try {
        deadLetters.add(entry.json());
        return true;
      } catch (IOException | RuntimeException e) {
        errors.error("dead-letter", "sink " + sink + " cannot write its dead-letter queue; retrying: " + e, null);
      }
      if (!loop.pause(backoff.next())) {
        return false;
      }
    }
  }

  /** An entry: when, which sink, why, the server's error, then what was refused. */
  String entry(String reason, String error, int size, RecordJson.Fields what) throws IOException {
    // bytes, not a Writer: a record's message is written as the UTF-8 it is
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + size);
    try (JsonGenerator entry = json.createGenerator(out)) {
      entry.writeStartObject();
      entry.writeStringField("time", Instant.now().toString());
      entry.writeStringField("sink", sink);
      entry.writeStringField("reason", reason);
      entry.writeStringField("error", error.length() > MAX_ERROR_CHARS ? error.substring(0, MAX_ERROR_CHARS) : error);
      what.write(entry);
      entry.writeEndObject();
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}

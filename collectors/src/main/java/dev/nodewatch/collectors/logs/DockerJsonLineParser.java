package dev.nodewatch.collectors.logs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Docker's json-file format, one object per line: {@code {"log":"GET / 200\n","stream":"stdout","time":"…Z"}}. The
 * {@code log} value keeps the container's newline; Docker splits lines longer than 16 KiB into several objects, all
 * but the last without that newline, which makes them partial here. Read with Jackson's streaming parser, so a
 * line costs no tree of objects.
 */
final class DockerJsonLineParser implements LineParser {

  private final JsonFactory json = new JsonFactory();

  @Override
  public LogLine parse(byte[] line, int from, int to, long nowNanos) {
    String log = null;
    LogStream stream = null;
    long timestamp = Rfc3339.INVALID;
    try (JsonParser p = json.createParser(line, from, to - from)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return LogLine.malformed(line, from, to, nowNanos);
      }
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "log" -> log = value == JsonToken.VALUE_STRING ? p.getText() : null;
          case "stream" -> stream = value == JsonToken.VALUE_STRING ? LogStream.of(p.getText()) : null;
          case "time" -> {
            if (value == JsonToken.VALUE_STRING) {
              byte[] time = p.getText().getBytes(StandardCharsets.US_ASCII);
              timestamp = Rfc3339.parseNanos(time, 0, time.length);
            }
          }
          default -> p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        return LogLine.malformed(line, from, to, nowNanos);
      }
    } catch (IOException e) {
      // cut in half, or not JSON at all: the raw line is kept as the message
      return LogLine.malformed(line, from, to, nowNanos);
    }
    if (log == null || stream == null || timestamp == Rfc3339.INVALID) {
      return LogLine.malformed(line, from, to, nowNanos);
    }
    boolean partial = !log.endsWith("\n");
    String message = partial ? log : log.substring(0, log.length() - 1);
    return new LogLine(timestamp, stream, partial, message.getBytes(StandardCharsets.UTF_8), false);
  }

}

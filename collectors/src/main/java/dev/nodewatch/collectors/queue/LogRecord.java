package dev.nodewatch.collectors.queue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One log line as the sinks receive it: what the container wrote, when, on which stream, from which pod, and where
 * in which file it was read ({@code source.file()} and {@code offset}), so a record can be traced to its line and
 * told apart from a duplicate downstream.
 *
 * <p>The message stays in the valid UTF-8 the queue holds: sinks write it into JSON as it is, and decoding it into
 * a {@code String} only to encode it again cost a third of a sink's time.
 *
 * @param stream {@code stdout} or {@code stderr}
 * @param messageUtf8 the message, valid UTF-8 (the tailer replaced anything else); not to be modified
 * @param truncated the line was longer than {@code logs.max_line_bytes}; the message is its first that many bytes
 * @param malformed the runtime's framing could not be read; the message is the whole line as it was in the file
 * @param offset where the line (its first part, for a joined line) starts in its file
 * @param node the node the agent runs on
 */
public record LogRecord(long timestampNanos, String stream, byte[] messageUtf8, boolean truncated, boolean malformed,
    long offset, LogSource source, String node) {

  public LogRecord(long timestampNanos, String stream, String message, boolean truncated, boolean malformed,
      long offset, LogSource source, String node) {
    this(timestampNanos, stream, message.getBytes(StandardCharsets.UTF_8), truncated, malformed, offset, source,
        node);
  }

  /** The message decoded. */
  public String message() {
    return new String(messageUtf8, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LogRecord r && timestampNanos == r.timestampNanos && truncated == r.truncated
        && malformed == r.malformed && offset == r.offset && stream.equals(r.stream)
        && Arrays.equals(messageUtf8, r.messageUtf8) && source.equals(r.source) && node.equals(r.node);
  }

  @Override
  public int hashCode() {
    return Objects.hash(timestampNanos, stream, Arrays.hashCode(messageUtf8), offset, source, node);
  }

  @Override
  public String toString() {
    return "LogRecord[" + stream + " " + timestampNanos + " " + source.path() + "@" + offset + ": " + message()
        + (truncated ? " (truncated)" : "") + (malformed ? " (malformed)" : "") + "]";
  }
}

package dev.nodewatch.collectors.logs;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A whole line as the container wrote it, its parts joined: the message as valid UTF-8 (invalid bytes replaced by
 * U+FFFD, never dropped), the timestamp of its first part. The message stays bytes from the file to the queue: a
 * line of ASCII, as most are, is checked once and never decoded.
 *
 * @param messageUtf8 valid UTF-8, not to be changed (see {@link Utf8#valid})
 * @param truncated the line was longer than {@code logs.max_line_bytes}; the message is its first that many bytes
 * @param malformed its framing could not be read (see {@link LogLine#malformed()})
 */
public record JoinedLine(long timestampNanos, LogStream stream, byte[] messageUtf8, boolean truncated,
    boolean malformed) {

  public JoinedLine(long timestampNanos, LogStream stream, String message, boolean truncated, boolean malformed) {
    this(timestampNanos, stream, message.getBytes(StandardCharsets.UTF_8), truncated, malformed);
  }

  /** The message decoded: for matching and tests; the tailer itself passes the bytes on. */
  public String message() {
    return new String(messageUtf8, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JoinedLine other && timestampNanos == other.timestampNanos && stream == other.stream
        && truncated == other.truncated && malformed == other.malformed
        && Arrays.equals(messageUtf8, other.messageUtf8);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(timestampNanos) * 31 + Arrays.hashCode(messageUtf8);
  }

  @Override
  public String toString() {
    return "JoinedLine[" + timestampNanos + " " + stream + " " + message() + (truncated ? " truncated" : "")
        + (malformed ? " malformed" : "") + "]";
  }
}

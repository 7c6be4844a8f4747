package dev.nodewatch.collectors.logs;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A whole line as the container wrote it, its parts joined: the message as valid UTF-8 (invalid bytes replaced by
 * U+FFFD, never dropped), the timestamp of its first part. The message stays bytes from the file to the queue: a
 * line of ASCII, as most are, is checked once and never decoded.
 *
 * <p>The message is {@code bytes[messageStart, messageEnd)}. For a line that came whole it is a part of the read
 * buffer, like its {@link LogLine}'s, and holds only until the next read: it goes into the queue at once, and what
 * keeps a line longer (the multi-line joiner) copies it.
 *
 * @param bytes valid UTF-8 between the bounds, not to be changed (see {@link Utf8#ascii})
 * @param truncated the line was longer than {@code logs.max_line_bytes}; the message is its first that many bytes
 * @param malformed its framing could not be read (see {@link LogLine#malformed()})
 */
public record JoinedLine(long timestampNanos, LogStream stream, byte[] bytes, int messageStart, int messageEnd,
    boolean truncated, boolean malformed) {

  /** A line whose message is all of {@code messageUtf8}. */
  public JoinedLine(long timestampNanos, LogStream stream, byte[] messageUtf8, boolean truncated,
      boolean malformed) {
    this(timestampNanos, stream, messageUtf8, 0, messageUtf8.length, truncated, malformed);
  }

  public JoinedLine(long timestampNanos, LogStream stream, String message, boolean truncated, boolean malformed) {
    this(timestampNanos, stream, message.getBytes(StandardCharsets.UTF_8), truncated, malformed);
  }

  /** The same line, marked truncated. */
  JoinedLine asTruncated() {
    return new JoinedLine(timestampNanos, stream, bytes, messageStart, messageEnd, true, malformed);
  }

  public int messageLength() {
    return messageEnd - messageStart;
  }

  /** The message's bytes, copied unless they are the whole array: for tests; the tailer passes the bounds on. */
  public byte[] messageUtf8() {
    return messageStart == 0 && messageEnd == bytes.length ? bytes : Arrays.copyOfRange(bytes, messageStart,
        messageEnd);
  }

  /** The message decoded: for matching and tests; the tailer itself passes the bytes on. */
  public String message() {
    return new String(bytes, messageStart, messageEnd - messageStart, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JoinedLine other && timestampNanos == other.timestampNanos && stream == other.stream
        && truncated == other.truncated && malformed == other.malformed
        && Arrays.equals(bytes, messageStart, messageEnd, other.bytes, other.messageStart, other.messageEnd);
  }

  @Override
  public int hashCode() {
    int hash = Long.hashCode(timestampNanos);
    for (int i = messageStart; i < messageEnd; i++) {
      hash = 31 * hash + bytes[i];
    }
    return hash;
  }

  @Override
  public String toString() {
    return "JoinedLine[" + timestampNanos + " " + stream + " " + message() + (truncated ? " truncated" : "")
        + (malformed ? " malformed" : "") + "]";
  }
}

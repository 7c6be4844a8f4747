package dev.nodewatch.collectors.logs;

/**
 * One line of a container log file after its framing is taken off: what the container wrote (without the newline),
 * when the runtime says it wrote it, on which stream, and whether the runtime split it ({@code partial}: more of the
 * same line follows, CRI's {@code P} or a Docker line without its newline).
 *
 * <p>The message is {@code bytes[messageStart, messageEnd)}, most often a part of the buffer the line was read into
 * (a copy per line was 8% of what the agent allocates at full speed), so it holds only until the next read: a joiner
 * that keeps a part copies it.
 *
 * @param timestampNanos nanoseconds since the epoch; for a line without a usable timestamp, the time it was read
 * @param malformed the framing could not be parsed: the whole line is the message, nothing is dropped
 */
public record LogLine(long timestampNanos, LogStream stream, boolean partial, byte[] bytes, int messageStart,
    int messageEnd, boolean malformed) {

  /** A line whose message is all of {@code message}. */
  public LogLine(long timestampNanos, LogStream stream, boolean partial, byte[] message, boolean malformed) {
    this(timestampNanos, stream, partial, message, 0, message.length, malformed);
  }

  /** A line whose framing could not be read: all of it, as a whole stdout message stamped when it was read. */
  static LogLine malformed(byte[] line, int from, int to, long nowNanos) {
    return new LogLine(nowNanos, LogStream.STDOUT, false, line, from, to, true);
  }

  public int messageLength() {
    return messageEnd - messageStart;
  }

  /** A copy of the message: for tests; the tailer passes the bytes on in place. */
  public byte[] message() {
    return java.util.Arrays.copyOfRange(bytes, messageStart, messageEnd);
  }
}

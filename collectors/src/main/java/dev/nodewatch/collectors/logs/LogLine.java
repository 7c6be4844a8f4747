package dev.nodewatch.collectors.logs;

/**
 * One line of a container log file after its framing is taken off: what the container wrote (without the newline),
 * when the runtime says it wrote it, on which stream, and whether the runtime split it ({@code partial}: more of the
 * same line follows, CRI's {@code P} or a Docker line without its newline).
 *
 * @param timestampNanos nanoseconds since the epoch; for a line without a usable timestamp, the time it was read
 * @param malformed the framing could not be parsed: the whole line is the message, nothing is dropped
 */
public record LogLine(long timestampNanos, LogStream stream, boolean partial, byte[] message, boolean malformed) {

  /** A line whose framing could not be read: all of it, as a whole stdout message stamped when it was read. */
  static LogLine malformed(byte[] line, int from, int to, long nowNanos) {
    return new LogLine(nowNanos, LogStream.STDOUT, false, java.util.Arrays.copyOfRange(line, from, to), true);
  }
}

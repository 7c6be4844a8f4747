package dev.nodewatch.collectors.logs;

/**
 * The CRI log format that containerd and CRI-O write: {@code <RFC3339Nano> <stdout|stderr> <tags> <message>}, where
 * the tags are {@code F} (a full line, or the last part of one) or {@code P} (a part: the runtime split a long line
 * and more follows), possibly followed by {@code :}-separated further tags.
 *
 * <pre>
 * 2024-05-01T12:34:56.123456789Z stdout F GET /healthz 200
 * 2024-05-01T12:34:56.123456789Z stderr P first 16 KiB of a long line…
 * </pre>
 */
final class CriLineParser implements LineParser {

  @Override
  public LogLine parse(byte[] line, int from, int to, long nowNanos) {
    int timeEnd = indexOf(line, (byte) ' ', from, to);
    int streamEnd = timeEnd < 0 ? -1 : indexOf(line, (byte) ' ', timeEnd + 1, to);
    if (streamEnd < 0) {
      return LogLine.malformed(line, from, to, nowNanos);
    }
    int tagEnd = indexOf(line, (byte) ' ', streamEnd + 1, to);
    if (tagEnd < 0) {
      tagEnd = to; // "… stdout F" with an empty message and no trailing blank
    }
    LogStream stream = stream(line, timeEnd + 1, streamEnd);
    long timestamp = Rfc3339.parseNanos(line, from, timeEnd);
    int firstTagEnd = indexOf(line, (byte) ':', streamEnd + 1, tagEnd);
    if (firstTagEnd < 0) {
      firstTagEnd = tagEnd;
    }
    boolean partial = firstTagEnd - streamEnd == 2 && line[streamEnd + 1] == 'P';
    boolean full = firstTagEnd - streamEnd == 2 && line[streamEnd + 1] == 'F';
    if (stream == null || timestamp == Rfc3339.INVALID || !partial && !full) {
      return LogLine.malformed(line, from, to, nowNanos);
    }
    int messageStart = Math.min(tagEnd + 1, to);
    return new LogLine(timestamp, stream, partial, line, messageStart, to, false);
  }


  private static LogStream stream(byte[] b, int from, int to) {
    if (to - from != 6) {
      return null;
    }
    if (b[from] == 's' && b[from + 1] == 't' && b[from + 2] == 'd') {
      if (b[from + 3] == 'o' && b[from + 4] == 'u' && b[from + 5] == 't') {
        return LogStream.STDOUT;
      }
      if (b[from + 3] == 'e' && b[from + 4] == 'r' && b[from + 5] == 'r') {
        return LogStream.STDERR;
      }
    }
    return null;
  }

  private static int indexOf(byte[] b, byte value, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == value) {
        return i;
      }
    }
    return -1;
  }
}

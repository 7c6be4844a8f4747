package dev.nodewatch.collectors.logs;

/** A plain text file: each line is a whole message on stdout, stamped with the time it was read. */
final class PlainLineParser implements LineParser {

  @Override
  public LogLine parse(byte[] line, int from, int to, long nowNanos) {
    return new LogLine(nowNanos, LogStream.STDOUT, false, line, from, to, false);
  }
}

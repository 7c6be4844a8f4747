package dev.nodewatch.collectors.logs;

/**
 * Takes the runtime's framing off one line of a log file. Never throws and never drops: a line whose framing cannot
 * be read comes back whole, marked {@link LogLine#malformed()}, timestamped with the time it was read.
 */
@FunctionalInterface
public interface LineParser {

  /**
   * @param line the file's bytes; the line is {@code [from, to)}, without its newline
   * @param nowNanos when the line was read, for lines without a usable timestamp
   */
  LogLine parse(byte[] line, int from, int to, long nowNanos);

  /** The parser for a configured format; {@code auto} has none until the first line is seen ({@link #detect}). */
  static LineParser of(LogFormat format) {
    return switch (format) {
      case CRI -> new CriLineParser();
      case DOCKER -> new DockerJsonLineParser();
      case PLAIN, AUTO -> new PlainLineParser();
    };
  }

  /**
   * The format of a file from its first line, for {@code logs.format: auto}: a JSON object is Docker's json-file, a
   * line that parses as CRI is CRI, anything else is plain text.
   */
  static LogFormat detect(byte[] line, int from, int to) {
    int start = from;
    while (start < to && (line[start] == ' ' || line[start] == '\t')) {
      start++;
    }
    if (start < to && line[start] == '{' && !new DockerJsonLineParser().parse(line, from, to, 0).malformed()) {
      return LogFormat.DOCKER;
    }
    return new CriLineParser().parse(line, from, to, 0).malformed() ? LogFormat.PLAIN : LogFormat.CRI;
  }
}

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

  /**
   * The parser for a configured format; {@code auto} decides line by line ({@link AutoLineParser}).
   *
   * @param containerLog the file is a container's log under kubelet's layout (its lines should all be framed)
   */
  static LineParser of(LogFormat format, boolean containerLog) {
    return switch (format) {
      case CRI -> new CriLineParser();
      case DOCKER -> new DockerJsonLineParser();
      case PLAIN -> new PlainLineParser();
      case AUTO -> new AutoLineParser(containerLog);
    };
  }
}

package dev.nodewatch.collectors.logs;

/**
 * {@code logs.format: auto}, decided line by line, not once per file: a line that parses as CRI is CRI, a JSON
 * object that parses as Docker's json-file is Docker, whatever the lines before were. The format of the last good
 * line is tried first, so a CRI file costs one parse per line. A line in neither format is shipped whole; it is
 * flagged malformed in a container's log (where every line should be framed, so garbage is garbage) or once the
 * file has shown a framed line, and is plain text in any other file.
 */
final class AutoLineParser implements LineParser {

  private final LineParser cri = new CriLineParser();
  private final LineParser docker = new DockerJsonLineParser();
  private final LineParser plain = new PlainLineParser();
  private final boolean framedFile;
  private LineParser preferred;
  private boolean sawFramed;

  /** @param framedFile the file is a container's log under kubelet's layout, so its lines should all be framed */
  AutoLineParser(boolean framedFile) {
    this.framedFile = framedFile;
  }

  @Override
  public LogLine parse(byte[] line, int from, int to, long nowNanos) {
    boolean object = startsObject(line, from, to);
    LineParser first = preferred != null ? preferred : object ? docker : cri;
    LogLine parsed = first.parse(line, from, to, nowNanos);
    if (!parsed.malformed()) {
      return framed(first, parsed);
    }
    LineParser second = first == cri ? docker : cri;
    if (second != docker || object) {
      LogLine again = second.parse(line, from, to, nowNanos);
      if (!again.malformed()) {
        return framed(second, again);
      }
    }
    return framedFile || sawFramed ? parsed : plain.parse(line, from, to, nowNanos);
  }

  private LogLine framed(LineParser parser, LogLine line) {
    preferred = parser;
    sawFramed = true;
    return line;
  }

  private static boolean startsObject(byte[] line, int from, int to) {
    int i = from;
    while (i < to && (line[i] == ' ' || line[i] == '\t')) {
      i++;
    }
    return i < to && line[i] == '{';
  }
}

package dev.nodewatch.collectors.logs;

/** Which output of the container a line came from; plain files have only {@link #STDOUT}. */
public enum LogStream {
  STDOUT, STDERR;

  /** {@code stdout} or {@code stderr} as runtimes spell them; null for anything else. */
  static LogStream of(String name) {
    return switch (name) {
      case "stdout" -> STDOUT;
      case "stderr" -> STDERR;
      default -> null;
    };
  }
}

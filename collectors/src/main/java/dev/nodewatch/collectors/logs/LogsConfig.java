package dev.nodewatch.collectors.logs;

import dev.nodewatch.collectors.config.ByteSize;
import dev.nodewatch.collectors.config.ConfigProblems;
import java.util.List;

/** Which container log files are tailed and how their lines are framed. */
public record LogsConfig(List<String> include, List<String> exclude, LogFormat format, ByteSize maxLineBytes) {

  public LogsConfig {
    include = include == null ? List.of("/var/log/containers/*.log") : List.copyOf(include);
    exclude = exclude == null ? List.of() : List.copyOf(exclude);
    format = format == null ? LogFormat.AUTO : format;
    maxLineBytes = maxLineBytes == null ? ByteSize.ofMebibytes(1) : maxLineBytes;
  }

  public static LogsConfig defaults() {
    return new LogsConfig(null, null, null, null);
  }

  public void validate(String path, ConfigProblems problems) {
    for (int i = 0; i < include.size(); i++) {
      problems.requireAbsolute(ConfigProblems.path(path, "include") + "[" + i + "]", include.get(i));
    }
    if (maxLineBytes.bytes() < 1024) {
      problems.add(ConfigProblems.path(path, "max_line_bytes"),
          "must be at least 1KiB, was " + maxLineBytes);
    }
  }
}

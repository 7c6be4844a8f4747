package dev.nodewatch.exporters.sink.file;

import dev.nodewatch.collectors.config.ConfigProblems;
import dev.nodewatch.exporters.forward.SinkOptions;
import dev.nodewatch.exporters.forward.SinkSettings;

/** {@code type: file}: NDJSON appended to a local file at {@code path}. */
public record FileOptions(String path) implements SinkOptions {

  @Override
  public void validate(String at, SinkSettings settings, ConfigProblems problems) {
    if (path == null || path.isBlank()) {
      problems.add(ConfigProblems.path(at, "path"), "must be set");
    }
    if (settings.concurrency() != 1) {
      problems.add(ConfigProblems.path(at, "concurrency"), "must be 1 for a file sink (one writer per file)");
    }
  }
}

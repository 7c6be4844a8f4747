package dev.nodewatch.exporters.sink.stdout;

import dev.nodewatch.collectors.config.ConfigProblems;
import dev.nodewatch.exporters.forward.SinkOptions;
import dev.nodewatch.exporters.forward.SinkSettings;

/** {@code type: stdout}: NDJSON on the agent's standard output; nothing beyond the keys every sink has. */
public record StdoutOptions() implements SinkOptions {

  @Override
  public void validate(String at, SinkSettings settings, ConfigProblems problems) {
    // nothing of its own to check
  }
}

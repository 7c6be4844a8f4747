package dev.nodewatch.exporters.forward;

import dev.nodewatch.collectors.config.ConfigProblems;

/** A sink type's own keys of a {@code sinks:} entry (endpoint, topic, table, …), as an immutable record. */
public interface SinkOptions {

  /**
   * Adds what is wrong with these options, each at its YAML path under {@code path}; {@code settings} for the rare
   * check that needs both (a file sink has one writer, so one batch in flight).
   */
  void validate(String path, SinkSettings settings, ConfigProblems problems);
}

package dev.nodewatch.exporters.forward;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.nodewatch.collectors.config.ConfigProblems;

/** One entry of {@code sinks:}, by its {@code type}. Each sink reads the queue through a reader of its own name. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type", visible = false)
@JsonSubTypes({
    @JsonSubTypes.Type(value = SinkConfig.File.class, name = "file"),
    @JsonSubTypes.Type(value = SinkConfig.Stdout.class, name = "stdout")})
public sealed interface SinkConfig {

  String name();

  BatchConfig batch();

  RetryConfig retry();

  /** What a sink of this type checks beyond name, batch and retry. */
  void validateOwn(String path, ConfigProblems problems);

  default void validate(String path, ConfigProblems problems) {
    if (name() == null || name().isBlank()) {
      problems.add(ConfigProblems.path(path, "name"), "must be set");
    } else if (!name().matches("[a-zA-Z0-9_.-]{1,64}")) {
      problems.add(ConfigProblems.path(path, "name"), "use letters, digits, '.', '_' or '-' (it names the queue reader)");
    }
    batch().validate(ConfigProblems.path(path, "batch"), problems);
    retry().validate(ConfigProblems.path(path, "retry"), problems);
    validateOwn(path, problems);
  }

  /** NDJSON appended to a local file. */
  record File(String name, String path, BatchConfig batch, RetryConfig retry) implements SinkConfig {
    public File {
      batch = batch == null ? BatchConfig.defaults() : batch;
      retry = retry == null ? RetryConfig.defaults() : retry;
    }

    @Override
    public void validateOwn(String at, ConfigProblems problems) {
      if (path == null || path.isBlank()) {
        problems.add(ConfigProblems.path(at, "path"), "must be set");
      }
    }
  }

  /** NDJSON on the agent's standard output. */
  record Stdout(String name, BatchConfig batch, RetryConfig retry) implements SinkConfig {
    public Stdout {
      batch = batch == null ? BatchConfig.defaults() : batch;
      retry = retry == null ? RetryConfig.defaults() : retry;
    }

    @Override
    public void validateOwn(String at, ConfigProblems problems) {
      // nothing beyond the common keys
    }
  }
}

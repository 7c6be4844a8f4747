package dev.nodewatch.exporters.forward;

import dev.nodewatch.collectors.config.ConfigProblems;

/**
 * One entry of {@code sinks:}: its {@code type}, the settings every sink has, and the type's own options. Each
 * sink reads the queue through a reader of its own name.
 */
public record SinkConfig(String type, SinkSettings settings, SinkOptions options) {

  public String name() {
    return settings.name();
  }

  public BatchConfig batch() {
    return settings.batch();
  }

  public RetryConfig retry() {
    return settings.retry();
  }

  public int concurrency() {
    return settings.concurrency();
  }

  public SinkFilter match() {
    return settings.match();
  }

  public void validate(String path, ConfigProblems problems) {
    settings.validate(path, problems);
    options.validate(path, settings, problems);
  }
}

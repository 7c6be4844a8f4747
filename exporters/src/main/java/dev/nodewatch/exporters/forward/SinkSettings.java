package dev.nodewatch.exporters.forward;

import dev.nodewatch.collectors.config.ConfigProblems;

/**
 * What every sink has, whatever its type: its name (which names its queue reader), how records are batched and
 * retried, how many batches are in flight, and which records it takes. Written beside the type's own keys in one
 * {@code sinks:} entry.
 *
 * @param concurrency batches in flight at once (default 1); the queue is acknowledged in order all the same
 * @param match which records this sink takes; all when absent
 */
public record SinkSettings(String name, BatchConfig batch, RetryConfig retry, Integer concurrency, SinkFilter match) {

  /** The keys of a {@code sinks:} entry that are these settings; the others but {@code type} are the type's. */
  public static final java.util.Set<String> KEYS = java.util.Set.of("name", "batch", "retry", "concurrency", "match");

  public SinkSettings {
    batch = batch == null ? BatchConfig.defaults() : batch;
    retry = retry == null ? RetryConfig.defaults() : retry;
    concurrency = concurrency == null ? 1 : concurrency;
    match = match == null ? SinkFilter.all() : match;
  }

  /** A sink of this name with every other setting at its default. */
  public static SinkSettings named(String name) {
    return new SinkSettings(name, null, null, null, null);
  }

  public void validate(String path, ConfigProblems problems) {
    if (name == null || name.isBlank()) {
      problems.add(ConfigProblems.path(path, "name"), "must be set");
    } else if (!name.matches("[a-zA-Z0-9_.-]{1,64}")) {
      problems.add(ConfigProblems.path(path, "name"), "use letters, digits, '.', '_' or '-' (it names the queue reader)");
    }
    batch.validate(ConfigProblems.path(path, "batch"), problems);
    retry.validate(ConfigProblems.path(path, "retry"), problems);
    if (concurrency < 1 || concurrency > 64) {
      problems.add(ConfigProblems.path(path, "concurrency"), "must be 1 to 64, was " + concurrency);
    }
    match.validate(ConfigProblems.path(path, "match"), problems);
  }
}

package dev.nodewatch.exporters.forward;

import dev.nodewatch.collectors.config.ConfigProblems;
import java.time.Duration;

/** Backoff between attempts at a batch the sink did not accept: exponential from {@code initial} up to {@code max}. */
public record RetryConfig(Duration initial, Duration max) {

  public RetryConfig {
    initial = initial == null ? Duration.ofMillis(500) : initial;
    max = max == null ? Duration.ofSeconds(60) : max;
  }

  public static RetryConfig defaults() {
    return new RetryConfig(null, null);
  }

  public void validate(String path, ConfigProblems problems) {
    if (initial.compareTo(Duration.ofMillis(10)) < 0) {
      problems.add(ConfigProblems.path(path, "initial"), "must be at least 10ms");
    }
    if (max.compareTo(initial) < 0) {
      problems.add(ConfigProblems.path(path, "max"), "must not be shorter than initial");
    }
  }
}

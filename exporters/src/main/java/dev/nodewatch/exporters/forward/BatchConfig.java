package dev.nodewatch.exporters.forward;

import dev.nodewatch.collectors.config.ConfigProblems;
import java.time.Duration;

/**
 * How a sink's records are grouped into requests. A batch is sent as soon as the queue has no more records ready
 * or it holds {@code maxEvents}; {@code maxWait} is how long an idle pipeline sleeps before looking again.
 */
public record BatchConfig(Integer maxEvents, Duration maxWait) {

  public BatchConfig {
    maxEvents = maxEvents == null ? 10_000 : maxEvents;
    maxWait = maxWait == null ? Duration.ofSeconds(1) : maxWait;
  }

  public static BatchConfig defaults() {
    return new BatchConfig(null, null);
  }

  public void validate(String path, ConfigProblems problems) {
    if (maxEvents < 1) {
      problems.add(ConfigProblems.path(path, "max_events"), "must be at least 1, was " + maxEvents);
    }
    if (maxWait.isNegative() || maxWait.isZero()) {
      problems.add(ConfigProblems.path(path, "max_wait"), "must be positive");
    }
  }
}

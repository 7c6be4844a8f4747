package dev.nodewatch.exporters.forward;

import dev.nodewatch.collectors.config.ByteSize;
import dev.nodewatch.collectors.config.ConfigProblems;
import java.time.Duration;

/**
 * How a sink's records are grouped into requests. A batch is sent as soon as the queue has no more records ready
 * or it holds {@code maxEvents} records or about {@code maxBytes} of them (counted as stored in the queue; a
 * request may be larger once encoded); {@code maxWait} is how long an idle pipeline sleeps before looking again.
 */
public record BatchConfig(Integer maxEvents, ByteSize maxBytes, Duration maxWait) {

  public BatchConfig {
    maxEvents = maxEvents == null ? 10_000 : maxEvents;
    maxBytes = maxBytes == null ? ByteSize.ofMebibytes(4) : maxBytes;
    maxWait = maxWait == null ? Duration.ofSeconds(1) : maxWait;
  }

  public static BatchConfig defaults() {
    return new BatchConfig(null, null, null);
  }

  public void validate(String path, ConfigProblems problems) {
    if (maxEvents < 1) {
      problems.add(ConfigProblems.path(path, "max_events"), "must be at least 1, was " + maxEvents);
    }
    if (maxBytes.bytes() < 1024) {
      problems.add(ConfigProblems.path(path, "max_bytes"), "must be at least 1KiB, was " + maxBytes);
    }
    if (maxWait.isNegative() || maxWait.isZero()) {
      problems.add(ConfigProblems.path(path, "max_wait"), "must be positive");
    }
  }
}

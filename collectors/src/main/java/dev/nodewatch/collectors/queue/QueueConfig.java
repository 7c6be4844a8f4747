package dev.nodewatch.collectors.queue;

import dev.nodewatch.collectors.config.ByteSize;
import dev.nodewatch.collectors.config.ConfigProblems;
import java.time.Duration;

/**
 * Size limit of the on-disk queue between the log tailer and the sinks, and the policy when it is full.
 *
 * @param maxAge when set, queue files older than this are deleted even if a sink has not read them (counted as
 *     expired); unset (the default), nothing leaves the queue before every sink has acknowledged it
 */
public record QueueConfig(ByteSize maxBytes, WhenFull whenFull, Duration maxAge) {

  public QueueConfig {
    maxBytes = maxBytes == null ? ByteSize.parse("2GiB") : maxBytes;
    whenFull = whenFull == null ? WhenFull.BLOCK : whenFull;
  }

  public QueueConfig(ByteSize maxBytes, WhenFull whenFull) {
    this(maxBytes, whenFull, null);
  }

  public static QueueConfig defaults() {
    return new QueueConfig(null, null, null);
  }

  public void validate(String path, ConfigProblems problems) {
    if (maxBytes.bytes() < ByteSize.ofMebibytes(16).bytes()) {
      problems.add(ConfigProblems.path(path, "max_bytes"), "must be at least 16MiB, was " + maxBytes);
    }
    if (maxAge != null && maxAge.compareTo(Duration.ofMinutes(1)) < 0) {
      problems.add(ConfigProblems.path(path, "max_age"), "must be at least 1m");
    }
  }
}

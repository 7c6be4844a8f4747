package dev.nodewatch.collectors.queue;

import dev.nodewatch.collectors.config.ByteSize;
import dev.nodewatch.collectors.config.ConfigProblems;

/** Size limit of the on-disk queue between the log tailer and the sinks, and the policy when it is full. */
public record QueueConfig(ByteSize maxBytes, WhenFull whenFull) {

  public QueueConfig {
    maxBytes = maxBytes == null ? ByteSize.parse("2GiB") : maxBytes;
    whenFull = whenFull == null ? WhenFull.BLOCK : whenFull;
  }

  public static QueueConfig defaults() {
    return new QueueConfig(null, null);
  }

  public void validate(String path, ConfigProblems problems) {
    if (maxBytes.bytes() < ByteSize.ofMebibytes(16).bytes()) {
      problems.add(ConfigProblems.path(path, "max_bytes"), "must be at least 16MiB, was " + maxBytes);
    }
  }
}

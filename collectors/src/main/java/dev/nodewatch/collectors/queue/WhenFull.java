package dev.nodewatch.collectors.queue;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What happens when the queue reaches {@code queue.max_bytes}: {@code block} pauses reading (the log files on disk
 * are the buffer, nothing is lost), {@code drop_newest} keeps reading and counts what it drops.
 */
public enum WhenFull {
  @JsonProperty("block") BLOCK,
  @JsonProperty("drop_newest") DROP_NEWEST
}

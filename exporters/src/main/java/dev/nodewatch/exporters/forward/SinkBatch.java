package dev.nodewatch.exporters.forward;

import dev.nodewatch.collectors.queue.LogRecord;
import java.util.List;

/**
 * Records to send, and where they came from in the queue: documents {@code firstIndex}..{@code lastIndex}, and,
 * when a refused batch was split to find the records at fault, the position of this part in the whole batch. The
 * same records always make the same batch, so {@link #id} lets a sink's server drop a batch it already has.
 */
public record SinkBatch(List<LogRecord> records, long firstIndex, long lastIndex, int from) {

  public SinkBatch {
    records = List.copyOf(records);
  }

  /** Stable across retries and restarts: the queue documents and the part of them. */
  public String id() {
    return Long.toHexString(firstIndex) + "-" + Long.toHexString(lastIndex) + "-" + from + "-"
        + (from + records.size());
  }

  public int size() {
    return records.size();
  }

  /** The records {@code [start, end)} of this batch, as a batch of their own. */
  public SinkBatch part(int start, int end) {
    return new SinkBatch(records.subList(start, end), firstIndex, lastIndex, from + start);
  }
}

package dev.nodewatch.exporters.forward;

import dev.nodewatch.collectors.queue.LogRecord;
import java.util.List;

/**
 * Records to send, and where they came from: the queue ({@code queueId}, random per queue), its documents
 * {@code firstIndex}..{@code lastIndex}, and, when a refused batch was split to find the records at fault, the
 * position of this part in the whole batch. The same records always make the same batch, so {@link #id} lets a
 * sink's server drop a batch it already has, and no two queues (nodes) make the same id.
 */
public record SinkBatch(String queueId, List<LogRecord> records, long firstIndex, long lastIndex, int from) {

  public SinkBatch {
    records = List.copyOf(records);
  }

  /** Stable across retries and restarts: the queue, its documents and the part of them. */
  public String id() {
    return queueId + "-" + Long.toHexString(firstIndex) + "-" + Long.toHexString(lastIndex) + "-" + from + "-"
        + (from + records.size());
  }

  public int size() {
    return records.size();
  }

  /** The records {@code [start, end)} of this batch, as a batch of their own. */
  public SinkBatch part(int start, int end) {
    return new SinkBatch(queueId, records.subList(start, end), firstIndex, lastIndex, from + start);
  }
}

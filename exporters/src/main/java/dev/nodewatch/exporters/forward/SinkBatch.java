package dev.nodewatch.exporters.forward;

import dev.nodewatch.collectors.queue.LogRecord;
import dev.nodewatch.collectors.queue.QueuedRecords;
import java.util.List;

/**
 * Records to send, and where they came from: the queue ({@code queueId}, random per queue), its documents
 * {@code firstIndex}..{@code lastIndex}, and, when a refused batch was split to find the records at fault, the
 * position of this part in the whole batch. The same records always make the same batch, so {@link #id} lets a
 * sink's server drop a batch it already has, and no two queues (nodes) make the same id.
 */
public record SinkBatch(String queueId, List<LogRecord> records, long firstIndex, long lastIndex, int from) {

  public SinkBatch {
    records = records instanceof QueuedRecords ? records : List.copyOf(records); // already immutable, not held
  }

  /** Stable across retries and restarts: the queue, its documents and the part of them. */
  public String id() {
    return queueId + "-" + Long.toHexString(firstIndex) + "-" + Long.toHexString(lastIndex) + "-" + from + "-"
        + (from + records.size());
  }

  public int size() {
    return records.size();
  }

  /** What a record counts for against {@code batch.max_bytes}: its message and its framing in the queue. */
  static final int RECORD_OVERHEAD_BYTES = 32;

  /**
   * This batch in parts of at most {@code maxRecords} records and about {@code maxBytes} (a record larger than that
   * is a part of its own): a queue document larger than the sink's batch limits goes out in several requests.
   */
  public List<SinkBatch> parts(int maxRecords, long maxBytes) {
    if (records instanceof QueuedRecords queued && queued.size() <= maxRecords && queued.storedBytes() >= 0
        && queued.storedBytes() <= maxBytes) {
      return List.of(this); // the poll kept to the limits: only a document larger than them needs its records read
    }
    List<SinkBatch> parts = null; // only made when the batch is cut: most are not
    int start = 0;
    long bytes = 0;
    for (int i = 0; i < records.size(); i++) {
      long size = records.get(i).messageUtf8().length + (long) RECORD_OVERHEAD_BYTES;
      if (i > start && (i - start >= maxRecords || bytes + size > maxBytes)) {
        if (parts == null) {
          parts = new java.util.ArrayList<>();
        }
        parts.add(part(start, i));
        start = i;
        bytes = 0;
      }
      bytes += size;
    }
    if (parts == null) {
      return List.of(this);
    }
    parts.add(part(start, records.size()));
    return parts;
  }

  /** The records {@code [start, end)} of this batch, as a batch of their own. */
  public SinkBatch part(int start, int end) {
    return new SinkBatch(queueId, records.subList(start, end), firstIndex, lastIndex, from + start);
  }
}

package dev.nodewatch.collectors.queue;

import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.values.LongValue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * One sink's view of the queue. {@link #poll} hands out the records after the last one handed out; {@link #ack}
 * commits an index once the sink has accepted everything up to it. Only the committed index is stored (in the
 * queue's metadata file, so it survives a crash): after a restart the reader starts after it, so what was handed
 * out but not acknowledged is handed out again. One thread polls; any thread may acknowledge.
 */
public final class QueueReader implements AutoCloseable {

  private final String name;
  private final SingleChronicleQueue queue;
  private final LongValue committed;
  private final String node;
  private ExcerptTailer tailer;

  QueueReader(String name, SingleChronicleQueue queue, LongValue committed, String node) {
    this.name = name;
    this.queue = queue;
    this.committed = committed;
    this.node = node;
  }

  /** Records read from whole documents, and the index of the last document they came from. */
  public record Polled(List<LogRecord> records, long lastIndex) {
    public boolean isEmpty() {
      return lastIndex < 0;
    }
  }

  public String name() {
    return name;
  }

  /**
   * Reads whole documents while they fit in {@code maxRecords} records (a document is never split; one larger
   * than that comes alone), or until the queue has no more. Empty ({@code lastIndex} -1) when nothing is new.
   */
  public Polled poll(int maxRecords) {
    ExcerptTailer t = tailer();
    List<LogRecord> records = new ArrayList<>();
    long last = -1;
    while (records.size() < maxRecords) {
      try (DocumentContext dc = t.readingDocument()) {
        if (!dc.isPresent()) {
          break;
        }
        Bytes<?> in = dc.wire().bytes();
        if (in.readRemaining() > 0 && in.readByte() == QueueDocuments.BATCH) {
          QueueDocuments.BatchHeader header = QueueDocuments.readBatchHeader(in);
          if (!records.isEmpty() && records.size() + header.lines() > maxRecords) {
            dc.rollbackOnClose(); // left for the next poll: a batch stays within maxRecords
            break;
          }
          QueueDocuments.readLines(in, header, node, records);
        }
        last = dc.index();
      }
    }
    return new Polled(records, last);
  }

  /** Commits {@code index}: everything up to it was accepted. Never moves backwards. */
  public void ack(long index) {
    committed.setMaxValue(index);
  }

  /** The last acknowledged index; 0 before the first acknowledgement. */
  public long committedIndex() {
    return committed.getVolatileValue();
  }

  /**
   * The oldest cycle this reader may still need: the one holding the document after its committed index. When the
   * committed document was the last of an older cycle, that cycle is passed.
   *
   * @param probe a tailer of the calling thread, used to look for the next document
   */
  int oldestNeededCycle(ExcerptTailer probe) {
    long index = committedIndex();
    if (index <= 0) {
      return queue.firstCycle();
    }
    int cycle = queue.rollCycle().toCycle(index);
    boolean passed = cycle < queue.cycle() && !probe.moveToIndex(index + 1);
    return passed ? cycle + 1 : cycle;
  }

  /** Documents appended after the committed index. */
  public long lagDocuments() {
    long last = queue.lastIndex();
    long from = committedIndex();
    if (last == Long.MIN_VALUE || last <= from) {
      return 0;
    }
    if (from <= 0) {
      from = queue.firstIndex();
      return from == Long.MAX_VALUE ? 0 : queue.countExcerpts(from, last) + 1;
    }
    return queue.countExcerpts(from, last);
  }

  private ExcerptTailer tailer() {
    if (tailer == null) {
      tailer = queue.createTailer();
      long index = committedIndex();
      if (index > 0 && tailer.moveToIndex(index)) {
        try (DocumentContext acknowledged = tailer.readingDocument()) {
          // positioned on the acknowledged document: reading it moves past it
        }
      } else {
        tailer.toStart();
      }
    }
    return tailer;
  }

  @Override
  public void close() {
    if (tailer != null) {
      tailer.close();
    }
  }
}

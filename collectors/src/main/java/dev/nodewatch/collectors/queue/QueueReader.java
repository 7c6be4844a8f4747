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
 * out but not acknowledged is handed out again. One thread at a time polls; any thread may acknowledge.
 */
public final class QueueReader implements AutoCloseable {

  private final String name;
  private final SingleChronicleQueue queue;
  private final LongValue committed;
  private final String node;
  private ExcerptTailer tailer;
  /** Counts what was appended, from where this reader started; only {@link #refreshLag} uses it. */
  private final Counter appended = new Counter();
  /** Counts what was acknowledged, from the same start, following the committed index. */
  private final Counter acknowledged = new Counter();
  private volatile long lagEvents;
  private volatile long lagBytes;

  /** A tailer walking forward over documents, adding up their bytes and records. */
  private static final class Counter {
    ExcerptTailer tailer;
    long bytes;
    long events;
  }

  QueueReader(String name, SingleChronicleQueue queue, LongValue committed, String node) {
    this.name = name;
    this.queue = queue;
    this.committed = committed;
    this.node = node;
  }

  /**
   * Records read from whole documents, and the indexes of the first and last document they came from (-1 for
   * both when nothing was new).
   */
  public record Polled(List<LogRecord> records, long firstIndex, long lastIndex) {
    public boolean isEmpty() {
      return lastIndex < 0;
    }
  }

  public String name() {
    return name;
  }

  public Polled poll(int maxRecords) {
    return poll(maxRecords, Long.MAX_VALUE);
  }

  /**
   * Reads whole documents while they fit in {@code maxRecords} records and about {@code maxBytes} bytes of queue
   * documents (a document is never split; one larger than either comes alone), or until the queue has no more.
   * Empty ({@code lastIndex} -1) when nothing is new.
   */
  public Polled poll(int maxRecords, long maxBytes) {
    ExcerptTailer t = tailer();
    List<LogRecord> records = new ArrayList<>();
    long first = -1;
    long last = -1;
    long bytes = 0;
    while (records.size() < maxRecords && bytes < maxBytes) {
      try (DocumentContext dc = t.readingDocument()) {
        if (!dc.isPresent()) {
          break;
        }
        Bytes<?> in = dc.wire().bytes();
        long size = in.readRemaining();
        if (size > 0 && in.readByte() == QueueDocuments.BATCH) {
          QueueDocuments.BatchHeader header = QueueDocuments.readBatchHeader(in);
          if (!records.isEmpty()
              && (records.size() + header.lines() > maxRecords || bytes + size > maxBytes)) {
            dc.rollbackOnClose(); // left for the next poll: a batch stays within its limits
            break;
          }
          QueueDocuments.readLines(in, header, node, records);
        }
        bytes += size;
        last = dc.index();
        if (first < 0) {
          first = last;
        }
      }
    }
    return new Polled(records, first, last);
  }

  /** Commits {@code index}: everything up to it was accepted. Never moves backwards. */
  public void ack(long index) {
    committed.setMaxValue(index);
  }

  /**
   * Updates {@link #lagEvents} and {@link #lagBytes}: walks the documents appended and acknowledged since the last
   * call, reading only each document's size and its record count at its end, so each document is visited twice in
   * all, and nothing is remembered per document. Called by the queue's maintenance, from one thread.
   */
  void refreshLag() {
    if (appended.tailer == null) {
      appended.tailer = startingTailer();
      acknowledged.tailer = startingTailer();
    }
    count(appended, Long.MAX_VALUE);
    count(acknowledged, committedIndex());
    lagEvents = Math.max(0, appended.events - acknowledged.events);
    lagBytes = Math.max(0, appended.bytes - acknowledged.bytes);
  }

  /** Positioned after the committed document, where this reader's next poll would start. */
  private ExcerptTailer startingTailer() {
    ExcerptTailer t = queue.createTailer();
    long index = committedIndex();
    if (index > 0 && t.moveToIndex(index)) {
      try (DocumentContext acknowledgedDocument = t.readingDocument()) {
        // read past it: it is delivered
      }
    } else {
      t.toStart();
    }
    return t;
  }

  private static void count(Counter counter, long upToIndex) {
    while (true) {
      try (DocumentContext dc = counter.tailer.readingDocument()) {
        if (!dc.isPresent()) {
          return;
        }
        if (dc.index() > upToIndex) {
          dc.rollbackOnClose();
          return;
        }
        Bytes<?> in = dc.wire().bytes();
        long size = in.readRemaining();
        counter.bytes += size;
        if (size > QueueDocuments.END_BYTES && in.readByte(in.readPosition()) == QueueDocuments.BATCH) {
          counter.events += in.readInt(in.readLimit() - 4);
        }
      }
    }
  }

  /** Bytes of queue documents appended after the committed index, as of the last {@link #refreshLag}. */
  public long lagBytes() {
    return lagBytes;
  }

  /** Records appended after the committed index, as of the last {@link #refreshLag}. */
  public long lagEvents() {
    return lagEvents;
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
      // a pipeline with several senders polls from each of them in turn, one at a time (under its lock)
      tailer.singleThreadedCheckDisabled(true);
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
    for (Counter counter : new Counter[] {appended, acknowledged}) {
      if (counter.tailer != null) {
        counter.tailer.close();
      }
    }
  }
}

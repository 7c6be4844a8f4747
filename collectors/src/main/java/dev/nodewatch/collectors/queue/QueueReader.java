package dev.nodewatch.collectors.queue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.values.LongValue;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sink's view of the queue. {@link #poll} hands out the records after the last one handed out; {@link #ack}
 * commits an index once the sink has accepted everything up to it. Only the committed index is stored (in the
 * queue's metadata file, so it survives a crash): after a restart the reader starts after it, so what was handed
 * out but not acknowledged is handed out again. One thread at a time polls; any thread may acknowledge.
 */
public final class QueueReader implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(QueueReader.class);

  private final String name;
  private final SingleChronicleQueue queue;
  private final LongValue committed;
  private final String node;
  private final String queueId;
  private ExcerptTailer tailer;
  /** A copy of the document a lazy poll checks; reused, as polls take turns. */
  private byte[] checked = new byte[64 * 1024];
  private final ReaderLag lag;

  QueueReader(String name, SingleChronicleQueue queue, LongValue committed, String node, String queueId,
      Supplier<AppendedTotals> appended) {
    this.name = name;
    this.lag = new ReaderLag(this, appended);
    this.queueId = queueId;
    this.queue = queue;
    this.committed = committed;
    this.node = node;
  }

  /**
   * Records read from whole documents, and the indexes of the first and last document they came from (-1 for
   * both when nothing was new). {@code skipped} documents could not be decoded (a damaged file): they are passed,
   * or every later poll would fail on them, and handed out as they are, for the caller to keep.
   */
  public record Polled(List<LogRecord> records, long firstIndex, long lastIndex, List<Undecodable> skipped) {
    public boolean isEmpty() {
      return lastIndex < 0;
    }
  }

  /** A queue document that could not be decoded: its index, why, and its bytes as they are on disk. */
  public record Undecodable(long index, String error, byte[] document) {}

  public String name() {
    return name;
  }

  /** The identity of the queue read, which together with an index names a document for good (see LogQueue#id). */
  public String queueId() {
    return queueId;
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
    return poll(maxRecords, maxBytes, null);
  }

  /**
   * A rereader for one thread's {@link #poll(int, long, QueueRereader)}; the caller closes it, on that thread,
   * once done with every batch polled through it.
   */
  public QueueRereader rereader() {
    return new QueueRereader(queue, node);
  }

  /**
   * As {@link #poll(int, long)}, but with {@code rereader} the records are {@link QueuedRecords}, decoded from the
   * queue when read, through that rereader and on its thread. Each document is checked here all the same, so a
   * damaged one is set aside as {@code skipped} now, not met later.
   */
  public Polled poll(int maxRecords, long maxBytes, QueueRereader rereader) {
    ExcerptTailer t = tailer();
    stepOverDeletedCycle(t);
    QueuedRecords.Builder queued = rereader == null ? null : new QueuedRecords.Builder(rereader);
    List<LogRecord> records = queued != null ? List.of() : new ArrayList<>((int) Math.min(maxRecords, 16_384));
    long first = -1;
    long last = -1;
    long bytes = 0;
    List<Undecodable> skipped = List.of();
    while ((queued == null ? records.size() : queued.records()) < maxRecords && bytes < maxBytes) {
      DocumentContext dc;
      try {
        dc = t.readingDocument();
      } catch (RuntimeException e) {
        if (last < 0) {
          throw e; // nothing read yet: the caller sees why
        }
        break; // what was read is handed out; the next poll meets the fault again
      }
      try (dc) {
        if (!dc.isPresent()) {
          break;
        }
        int before = queued == null ? records.size() : queued.records();
        Bytes<?> in = dc.wire().bytes();
        long size = in.readRemaining();
        long start = in.readPosition();
        int documentRecords = ReaderLag.recordsIn(in);
        try {
          if (size > 0 && in.readByte() == QueueDocuments.BATCH) {
            QueueDocuments.BatchHeader header = QueueDocuments.readBatchHeader(in);
            if (before > 0 && (before + header.lines() > maxRecords || bytes + size > maxBytes)) {
              dc.rollbackOnClose(); // left for the next poll: a batch stays within its limits
              break;
            }
            if (queued == null) {
              QueueDocuments.readLines(in, header, node, records);
            } else if (header.lines() > 0) {
              checked = QueueDocuments.copyOut(in.readPosition(start), checked);
              QueueDocuments.checkLines(checked, (int) (header.linesStart() - start), (int) size, header.lines());
              queued.add(dc.index(), header.lines(), size);
            }
          }
        } catch (RuntimeException e) {
          if (queued == null) {
            records.subList(before, records.size()).clear();
          }
          byte[] document = new byte[(int) Math.min(size, Integer.MAX_VALUE - 8)];
          in.readPosition(start);
          in.read(document);
          if (skipped.isEmpty()) {
            skipped = new ArrayList<>(1);
          }
          skipped.add(new Undecodable(dc.index(), e.toString(), document));
        }
        bytes += size;
        last = dc.index();
        lag.passed(last, size, documentRecords);
        if (first < 0) {
          first = last;
        }
      }
    }
    return new Polled(queued == null ? records : queued.build(), first, last, skipped);
  }

  /** Commits {@code index}: everything up to it was accepted. Never moves backwards. */
  public void ack(long index) {
    committed.setMaxValue(index);
  }

  /** Updates {@link #lagEvents} and {@link #lagBytes} ({@link ReaderLag}); called by the queue's maintenance. */
  void refreshLag() {
    lag.refresh();
  }

  /**
   * Counts the lag again from the committed index at the next {@link #refreshLag}. Needed when
   * {@code queue.max_age} deleted files this reader had not passed: their documents were counted as appended but
   * will never be acknowledged, and would stay in the lag (and keep the queue full) for good.
   */
  void resetLag() {
    lag.reset();
  }

  /**
   * Positioned after document {@code index}, where a poll after acknowledging it would start. When that document
   * cannot be found (its file was deleted, or Chronicle cannot position on it after a crash), the tailer goes to
   * the first document after it, never back to the start of the queue, which would send everything again.
   *
   * @param report whether to log a resume that had to search (the poll's tailer; not the lag counters')
   */
  ExcerptTailer startingTailer(long index, boolean report) {
    ExcerptTailer t = queue.createTailer();
    if (index <= 0) {
      return t.toStart(); // never acknowledged: everything is owed
    }
    if (t.moveToIndex(index)) {
      try (DocumentContext acknowledgedDocument = t.readingDocument()) {
        // read past it: it is delivered
      }
      return t;
    }
    t.toStart();
    long passed = 0;
    long resumeAt = -1;
    while (true) {
      try (DocumentContext dc = t.readingDocument()) {
        if (!dc.isPresent()) {
          break;
        }
        if (dc.index() > index) {
          resumeAt = dc.index();
          dc.rollbackOnClose(); // the next read returns it
          break;
        }
        passed++;
      }
    }
    if (report) {
      log.warn("reader {}: its committed index {} is not in the queue; resuming at {} (passed {} older documents)",
          name, Long.toHexString(index), resumeAt < 0 ? "the end" : Long.toHexString(resumeAt), passed);
    }
    return t;
  }

  /**
   * A tailer left at the end of a file that retention has deleted since (every reader had passed it) goes to the
   * oldest file left, which holds the next document: Chronicle would find it too, but only after logging an ERROR
   * that the file was "deleted from under the queue", which with five-second files would be every few seconds.
   */
  private void stepOverDeletedCycle(ExcerptTailer t) {
    int first = queue.firstCycle();
    if (t.cycle() < first && first != Integer.MAX_VALUE) {
      t.toStart();
    }
  }

  /** Bytes of queue documents appended after the committed index, as of the last {@link #refreshLag}. */
  public long lagBytes() {
    return lag.bytes();
  }

  /** Records appended after the committed index, as of the last {@link #refreshLag}. */
  public long lagEvents() {
    return lag.records();
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

  /** Whether a record after the committed index is still in the queue (positions documents are not records). */
  boolean owesRecords() {
    try (ExcerptTailer t = startingTailer(committedIndex(), false)) {
      while (true) {
        try (DocumentContext dc = t.readingDocument()) {
          if (!dc.isPresent()) {
            return false;
          }
          if (ReaderLag.recordsIn(dc.wire().bytes()) > 0) {
            return true;
          }
        }
      }
    }
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
      long from = committedIndex();
      tailer = startingTailer(from, true);
      lag.pollingFrom(from);
      // a pipeline with several senders polls from each of them in turn, one at a time (under its lock)
      tailer.singleThreadedCheckDisabled(true);
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

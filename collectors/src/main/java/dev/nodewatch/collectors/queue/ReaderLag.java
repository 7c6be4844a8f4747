package dev.nodewatch.collectors.queue;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * What one reader owes: the bytes and records appended after its committed index, kept without walking the queue.
 * The queue adds up what it appends ({@link AppendedTotals}); the reader's polls note each document they pass, and
 * once the committed index covers a noted document its size counts as acknowledged. The lag is the difference.
 *
 * <p>Walking the documents instead (once a second, after the appender) mapped each 4 MiB block of the queue again
 * and touched a page in every document: at full speed the agent's RSS jumped by 20-30 MiB for a few milliseconds
 * per walk, which made most of its peak. The queue is walked only to start counting (the backlog a restart finds)
 * and when the notes cannot cover what was acknowledged: more of them than {@link #MAX_NOTES} (a reader polling
 * without maintenance), an acknowledgement of documents no poll passed, or files expired by {@code max_age}.
 *
 * <p>{@link #passed} is called by the polling thread, everything else by the queue's maintenance thread.
 */
final class ReaderLag {

  /** Notes waiting for an acknowledgement: about 4 MiB of them at most. */
  static final int MAX_NOTES = 65_536;

  private final QueueReader reader;
  private final Supplier<AppendedTotals> appended;

  /**
   * A document a poll passed; {@code previous} is the one passed before it, or the committed index the reader's
   * polls started after: polls pass documents one after another, so notes leave no document out after the first.
   */
  private record Note(long index, long previous, long bytes, int records) {}

  private final ConcurrentLinkedQueue<Note> notes = new ConcurrentLinkedQueue<>();
  private final AtomicInteger noteCount = new AtomicInteger();
  /** Set when notes were dropped for want of room: the next refresh counts from the queue again. */
  private volatile boolean notesLost;
  /** The newest document a poll passed, noted or not (at first, the committed index polls started after). */
  private volatile long lastPassed = Long.MIN_VALUE;

  // the maintenance thread's own
  /** Notes made by {@link #countFromQueue} for documents polled before it, noted or not: older than {@link #notes}. */
  private final ArrayDeque<Note> walked = new ArrayDeque<>();
  /** Every document at or below this index is in {@link #ackedBytes}; MIN_VALUE before counting started. */
  private long countedUpTo = Long.MIN_VALUE;
  /** Appended totals at their start minus the backlog then, plus every acknowledged note since: may be negative. */
  private long ackedBytes;
  private long ackedRecords;

  private volatile long lagBytes;
  private volatile long lagRecords;

  ReaderLag(QueueReader reader, Supplier<AppendedTotals> appended) {
    this.reader = reader;
    this.appended = appended;
  }

  /** The reader's polls start after the committed index {@code index}. */
  void pollingFrom(long index) {
    lastPassed = index;
  }

  /** A poll passed the document at {@code index} ({@code bytes} as Chronicle reads it, {@code records} in it). */
  void passed(long index, long bytes, int records) {
    long previous = lastPassed;
    lastPassed = index; // before notesLost is read: see countFromQueue
    if (notesLost) {
      return; // the next refresh counts from the queue, and notes what polls passed by then
    }
    if (noteCount.get() >= MAX_NOTES) {
      notesLost = true;
      return;
    }
    noteCount.incrementAndGet();
    notes.add(new Note(index, previous, bytes, records));
  }

  /** Brings {@link #bytes} and {@link #records} up to date with the committed index and the appends. */
  void refresh() {
    if (countedUpTo == Long.MIN_VALUE || notesLost) {
      countFromQueue();
    }
    long committed = reader.committedIndex();
    while (!walked.isEmpty() && walked.peekFirst().index() <= committed) {
      acknowledge(walked.pollFirst());
    }
    boolean unnoted = false;
    Note note;
    while ((note = notes.peek()) != null && note.index() <= committed) {
      if (note.previous() > countedUpTo) {
        unnoted = true; // documents before this note were acknowledged without a poll passing them here
        break;
      }
      notes.poll();
      noteCount.decrementAndGet();
      acknowledge(note);
    }
    if (unnoted || countedUpTo < committed) {
      countFromQueue(); // acknowledged what no poll here passed
    }
    AppendedTotals now = appended.get(); // read after the acknowledgements: it holds every document they cover
    lagBytes = Math.max(0, now.bytes() - ackedBytes);
    lagRecords = Math.max(0, now.records() - ackedRecords);
  }

  private void acknowledge(Note note) {
    if (note.index() > countedUpTo) { // not counted yet (a walk may have noted a document a poll noted too)
      ackedBytes += note.bytes();
      ackedRecords += note.records();
      countedUpTo = note.index();
    }
  }

  /** Counts again from the queue at the next {@link #refresh}: what expired unread is no longer owed. */
  void reset() {
    countedUpTo = Long.MIN_VALUE;
  }

  long bytes() {
    return lagBytes;
  }

  long records() {
    return lagRecords;
  }

  /**
   * Starts counting: the documents after the committed index up to the newest the appended totals know, which
   * makes the acknowledged totals that leave exactly that backlog. The walk notes the documents polls have passed
   * (some may have no note, {@link #passed} having dropped it), so their acknowledgement counts when it comes; notes
   * of documents it did not find (expired, or at or below the committed index) are passed over.
   */
  private void countFromQueue() {
    // notesLost is cleared before lastPassed is read, and passed() writes lastPassed before reading notesLost: a
    // document a poll passes now is either noted by that poll or at or below polledUpTo, noted by this walk
    notesLost = false;
    long polledUpTo = lastPassed;
    AppendedTotals start = appended.get(); // read after polledUpTo: holds every document polled by then
    long from = reader.committedIndex();
    long bytes = 0;
    long records = 0;
    long first = -1;
    walked.clear();
    try (ExcerptTailer t = reader.startingTailer(from, false)) {
      while (true) {
        try (DocumentContext dc = t.readingDocument()) {
          if (!dc.isPresent()) {
            break;
          }
          if (dc.index() > start.lastIndex()) {
            dc.rollbackOnClose();
            break;
          }
          if (first < 0) {
            first = dc.index();
          }
          Bytes<?> in = dc.wire().bytes();
          long size = in.readRemaining();
          int count = recordsIn(in);
          bytes += size;
          records += count;
          if (dc.index() <= polledUpTo) {
            walked.addLast(new Note(dc.index(), Long.MIN_VALUE, size, count)); // follows on from the walk's start
          }
        }
      }
    }
    Note note;
    while ((note = notes.peek()) != null && note.index() <= polledUpTo) {
      notes.poll(); // the walk's note stands for it
      noteCount.decrementAndGet();
    }
    ackedBytes = start.bytes() - bytes;
    ackedRecords = start.records() - records;
    countedUpTo = first >= 0 ? first - 1 : Math.max(from, start.lastIndex());
  }

  /** The records a document holds: a batch's count, read from its last bytes without decoding it; 0 for any other. */
  static int recordsIn(Bytes<?> in) {
    return in.readRemaining() > QueueDocuments.END_BYTES && in.readByte(in.readPosition()) == QueueDocuments.BATCH
        ? in.readInt(in.readLimit() - 4) : 0;
  }
}

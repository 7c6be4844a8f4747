package dev.nodewatch.collectors.queue;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;

/**
 * The records of some queue documents, decoded from the queue as they are asked for instead of held: a sink's
 * batch of 10,000 records in flight no longer outlives the young generation (it did, and made the 64 MiB heap grow
 * and collect in full every few seconds at full speed). Read in order, as sinks do, each document is copied out of
 * the queue once and each record decoded once; a record asked for again, or out of order (a refused record, a part
 * of a split batch), is decoded again.
 *
 * <p>Immutable as a list, but read through its {@link QueueRereader}, so only on that rereader's thread. A
 * {@link #subList} is a view of the same kind.
 */
public final class QueuedRecords extends AbstractList<LogRecord> {

  private final QueueRereader rereader;
  private final long[] indexes;
  /** {@code starts[d]}: the position of document {@code d}'s first record; one more entry, the total. */
  private final int[] starts;
  private final int from;
  private final int size;
  private final long storedBytes;
  /** The document of the record read last: the next one is most often in it too. */
  private int document;

  private QueuedRecords(QueueRereader rereader, long[] indexes, int[] starts, int from, int size,
      long storedBytes) {
    this.rereader = rereader;
    this.indexes = indexes;
    this.starts = starts;
    this.from = from;
    this.size = size;
    this.storedBytes = storedBytes;
  }

  /**
   * The bytes of the queue documents these records are, as a poll counted them against its limit; -1 for a
   * {@link #subList}, which may hold parts of documents.
   */
  public long storedBytes() {
    return storedBytes;
  }

  @Override
  public LogRecord get(int position) {
    if (position < 0 || position >= size) {
      throw new IndexOutOfBoundsException("record " + position + " of " + size);
    }
    int at = from + position;
    int document = this.document;
    if (at < starts[document] || at >= starts[document + 1]) {
      document = Arrays.binarySearch(starts, at);
      if (document < 0) {
        document = -document - 2; // the document starting before it
      } else {
        while (starts[document + 1] == at) {
          document++; // documents without records start where the next one does
        }
      }
      this.document = document;
    }
    return rereader.record(indexes[document], at - starts[document]);
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public List<LogRecord> subList(int start, int end) {
    if (start < 0 || end > size || start > end) {
      throw new IndexOutOfBoundsException("records " + start + ".." + end + " of " + size);
    }
    return new QueuedRecords(rereader, indexes, starts, from + start, end - start, -1);
  }

  /** Collects the documents of one poll, in order. */
  static final class Builder {
    private final QueueRereader rereader;
    private long[] indexes = new long[16];
    private int[] starts = new int[17];
    private int documents;
    private long bytes;

    Builder(QueueRereader rereader) {
      this.rereader = rereader;
    }

    void add(long index, int records, long storedBytes) {
      bytes += storedBytes;
      if (documents == indexes.length) {
        indexes = Arrays.copyOf(indexes, documents * 2);
        starts = Arrays.copyOf(starts, documents * 2 + 1);
      }
      indexes[documents] = index;
      starts[documents + 1] = starts[documents] + records;
      documents++;
    }

    int records() {
      return starts[documents];
    }

    QueuedRecords build() {
      return new QueuedRecords(rereader, Arrays.copyOf(indexes, documents), Arrays.copyOf(starts, documents + 1),
          0, starts[documents], bytes);
    }
  }
}

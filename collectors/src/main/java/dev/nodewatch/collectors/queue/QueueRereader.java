package dev.nodewatch.collectors.queue;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads records of documents already polled, by their index, for {@link QueuedRecords}: a tailer of its own and a
 * copy of the document being read (so the mapped queue is never read after the tailer moved on). One per thread
 * that reads records; closing it releases the tailer.
 */
public final class QueueRereader implements AutoCloseable {

  private final SingleChronicleQueue queue;
  private final String node;
  private ExcerptTailer tailer;
  /** The document read last, as it is in the queue; reused, so it stays one long-lived array. */
  private byte[] copy = new byte[64 * 1024];
  private Bytes<byte[]> document = Bytes.wrapForRead(copy);
  private long documentIndex = -1;
  private QueueDocuments.BatchHeader header;
  /** The line the read position of {@link #document} is at. */
  private int nextLine;
  private LogRecord last;
  private int lastLine = -1;

  QueueRereader(SingleChronicleQueue queue, String node) {
    this.queue = queue;
    this.node = node;
  }

  /** Record {@code line} of document {@code index}; cheapest for the line after the one read last. */
  LogRecord record(long index, int line) {
    if (index != documentIndex) {
      load(index);
    }
    if (line == lastLine) {
      return last;
    }
    if (line < nextLine) {
      document.readPosition(header.linesStart());
      nextLine = 0;
    }
    for (; nextLine < line; nextLine++) {
      QueueDocuments.readLine(document, header.source(), node); // skipped to reach the line asked for
    }
    last = QueueDocuments.readLine(document, header.source(), node);
    lastLine = line;
    nextLine = line + 1;
    return last;
  }

  private void load(long index) {
    documentIndex = -1;
    lastLine = -1;
    if (tailer == null) {
      tailer = queue.createTailer();
      tailer.singleThreadedCheckDisabled(true); // made on the first read, closed by whichever thread stops
    }
    if (!tailer.moveToIndex(index)) {
      throw new QueueDocumentGone(index);
    }
    try (DocumentContext dc = tailer.readingDocument()) {
      if (!dc.isPresent() || dc.index() != index) {
        throw new QueueDocumentGone(index);
      }
      Bytes<?> in = dc.wire().bytes();
      long length = in.readRemaining();
      byte[] copied = QueueDocuments.copyOut(in, copy);
      if (copied != copy) {
        copy = copied;
        document = Bytes.wrapForRead(copy);
      }
      document.readPositionRemaining(0, length);
    }
    if (document.readRemaining() == 0 || document.readByte() != QueueDocuments.BATCH) {
      throw new IllegalStateException("queue document " + Long.toHexString(index) + " is not a batch of records");
    }
    header = QueueDocuments.readBatchHeader(document);
    document.readPosition(header.linesStart());
    nextLine = 0;
    documentIndex = index;
  }

  @Override
  public void close() {
    if (tailer != null) {
      tailer.close();
      tailer = null;
    }
    documentIndex = -1;
  }

  /**
   * A document polled earlier is no longer in the queue: {@code queue.max_age} deleted its file while its batch
   * was still being retried.
   */
  public static final class QueueDocumentGone extends RuntimeException {
    QueueDocumentGone(long index) {
      super("queue document " + Long.toHexString(index) + " is no longer in the queue (its file was deleted by "
          + "queue.max_age while the batch was being retried)");
    }
  }
}

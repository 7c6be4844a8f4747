package dev.nodewatch.collectors.queue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The on-disk buffer between the log tailer and the sinks: a Chronicle Queue under {@code <data_dir>/queue}.
 *
 * <p>One thread appends (the tailer): each batch of records carries the file position it advances, so after a crash
 * {@link #recoveredPositions()} says exactly where every file's stored lines end. Each sink reads through its own
 * named {@link QueueReader}, whose committed index lives in the queue's metadata and moves only on
 * {@link QueueReader#ack}. {@link #maintain} deletes the roll-cycle files every reader has passed and measures the
 * bytes held, which {@link #full()} compares with {@code queue.max_bytes}.
 */
public final class LogQueue implements AutoCloseable {

  /** Five-minute files: retention frees space in steps of one file, small enough to resume promptly when full. */
  static final RollCycles ROLL_CYCLE = RollCycles.FIVE_MINUTELY;
  /** Mapped blocks count in RSS: 4 MiB keeps the mapped part small (64 MiB, the default, added ~150 MB RSS). */
  private static final long MIN_BLOCK_SIZE = 4L << 20;

  private final SingleChronicleQueue queue;
  private final QueueConfig config;
  private final String node;
  private final CycleFiles files;
  private final Map<String, QueueReader> readers = new ConcurrentHashMap<>();
  private final List<FilePosition> recovered;
  private final Bytes<?> buffer = Bytes.allocateElasticOnHeap(64 * 1024);
  private final Bytes<?> positionsBuffer = Bytes.allocateElasticOnHeap(4 * 1024);
  private ExcerptAppender appender;
  private ExcerptTailer probe;
  private Thread appenderThread;
  private volatile long bytesOnDisk;
  private volatile int positionsCycle = -1;
  private final AtomicLong appendedRecords = new AtomicLong();
  private final AtomicLong appendedBatches = new AtomicLong();
  private final AtomicLong deletedFiles = new AtomicLong();

  private LogQueue(SingleChronicleQueue queue, QueueConfig config, String node) throws IOException {
    this.queue = queue;
    this.config = config;
    this.node = node;
    this.files = new CycleFiles(queue.file().toPath(), ROLL_CYCLE);
    this.recovered = recover();
    this.bytesOnDisk = files.bytes();
  }

  /** Opens (or creates) the queue in {@code dir}, its roll cycles following the system clock. */
  public static LogQueue open(Path dir, QueueConfig config, String node, long maxBatchBytes) throws IOException {
    return open(dir, config, node, maxBatchBytes, net.openhft.chronicle.core.time.SystemTimeProvider.INSTANCE);
  }

  /**
   * Opens (or creates) the queue in {@code dir}.
   *
   * @param maxBatchBytes the largest batch that will be appended: Chronicle takes documents of up to a quarter of
   *     its block size, so the block grows beyond 4 MiB only for a large {@code logs.max_line_bytes}
   * @param time the clock that picks roll cycles
   */
  public static LogQueue open(Path dir, QueueConfig config, String node, long maxBatchBytes, TimeProvider time)
      throws IOException {
    long blockSize = Math.max(MIN_BLOCK_SIZE, Long.highestOneBit(4 * maxBatchBytes - 1) << 1);
    SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir)
        .rollCycle(ROLL_CYCLE)
        .blockSize(blockSize)
        .timeProvider(time)
        .build();
    try {
      return new LogQueue(queue, config, node);
    } catch (IOException | RuntimeException e) {
      queue.close();
      throw e;
    }
  }

  /**
   * Where each file's stored lines end, as of the last run: the newest positions document, updated by every batch
   * appended after it.
   */
  public List<FilePosition> recoveredPositions() {
    return recovered;
  }

  private List<FilePosition> recover() {
    Map<FileIdentity, FilePosition> positions = new HashMap<>();
    long replayFrom = -1;
    try (ExcerptTailer backwards = queue.createTailer().direction(TailerDirection.BACKWARD).toEnd()) {
      while (replayFrom < 0) {
        try (DocumentContext dc = backwards.readingDocument()) {
          if (!dc.isPresent()) {
            break;
          }
          Bytes<?> in = dc.wire().bytes();
          if (in.readRemaining() > 0 && in.readByte() == QueueDocuments.POSITIONS) {
            QueueDocuments.readPositions(in).forEach(p -> positions.put(p.file(), p));
            replayFrom = dc.index();
            positionsCycle = queue.rollCycle().toCycle(dc.index());
          }
        }
      }
    }
    try (ExcerptTailer forwards = queue.createTailer()) {
      if (replayFrom >= 0) {
        forwards.moveToIndex(replayFrom);
      }
      while (true) {
        try (DocumentContext dc = forwards.readingDocument()) {
          if (!dc.isPresent()) {
            break;
          }
          Bytes<?> in = dc.wire().bytes();
          if (in.readRemaining() > 0 && in.readByte() == QueueDocuments.BATCH) {
            QueueDocuments.BatchHeader header = QueueDocuments.readBatchHeader(in);
            LogSource source = header.source();
            positions.put(source.file(), new FilePosition(source.file(), source.path(), header.resumeOffset()));
          }
        }
      }
    }
    return List.copyOf(positions.values());
  }

  /** A new, empty batch of lines read from {@code source}; append it with {@link #append}. */
  public Batch batch(LogSource source) {
    QueueDocuments.startBatch(buffer, source);
    return new Batch(buffer);
  }

  /**
   * Writes a batch and the position it advances its file to, as one document. Only the appending thread (the
   * tailer) may call this.
   */
  public void append(Batch batch, long resumeOffset) {
    QueueDocuments.endBatch(batch.bytes, resumeOffset, batch.lines);
    write(batch.bytes);
    appendedRecords.addAndGet(batch.lines);
    appendedBatches.incrementAndGet();
  }

  /** Writes every tailed file's position; the tailer calls this periodically and before retention. */
  public void appendPositions(Collection<FilePosition> positions) {
    QueueDocuments.writePositions(positionsBuffer, positions);
    write(positionsBuffer);
    positionsCycle = queue.rollCycle().toCycle(appender.lastIndexAppended());
  }

  /**
   * Writes one document. A failed write (disk full, I/O error) may leave Chronicle's appender mid-document; it is
   * dropped so the next attempt starts clean, and the caller keeps its file positions where they were.
   */
  private void write(Bytes<?> document) {
    try {
      appender().writeBytes(document);
    } catch (RuntimeException | Error e) {
      ExcerptAppender broken = appender;
      appender = null;
      broken.close();
      throw e instanceof Error error ? new IllegalStateException("the queue refused a write", error)
          : (RuntimeException) e;
    }
  }

  private ExcerptAppender appender() {
    if (appender == null) {
      appender = queue.createAppender();
      appenderThread = Thread.currentThread();
    } else if (appenderThread != Thread.currentThread()) {
      throw new IllegalStateException("the queue is appended to by " + appenderThread.getName() + " only");
    }
    return appender;
  }

  /** The named reader for one sink, created on first use; its position survives restarts. */
  public QueueReader reader(String name) {
    return readers.computeIfAbsent(name, n -> new QueueReader(n, queue, queue.indexForId("reader." + n), node));
  }

  /**
   * Deletes the roll-cycle files that every reader has acknowledged and that the newest positions document does
   * not need, then measures what is left. With no reader at all, nothing will ever read older files: only the
   * current cycle (and the positions) are kept.
   *
   * @return the number of files deleted
   */
  public int maintain() throws IOException {
    int current = queue.cycle();
    int keepFrom = current;
    if (probe == null) {
      probe = queue.createTailer();
    }
    for (QueueReader reader : readers.values()) {
      keepFrom = Math.min(keepFrom, reader.oldestNeededCycle(probe));
    }
    if (positionsCycle >= 0) {
      keepFrom = Math.min(keepFrom, positionsCycle);
    }
    int deleted = files.deleteBefore(keepFrom);
    if (deleted > 0) {
      deletedFiles.addAndGet(deleted);
      queue.refreshDirectoryListing();
    }
    bytesOnDisk = files.bytes();
    return deleted;
  }

  /** Whether the newest positions document is in a cycle before the current one (and so holds that cycle). */
  public boolean positionsInOlderCycle() {
    return positionsCycle >= 0 && positionsCycle < queue.cycle();
  }

  /** Whether the queue holds {@code queue.max_bytes} or more, as of the last {@link #maintain}. */
  public boolean full() {
    return bytesOnDisk >= config.maxBytes().bytes();
  }

  public long bytesOnDisk() {
    return bytesOnDisk;
  }

  public long appendedRecords() {
    return appendedRecords.get();
  }

  public long appendedBatches() {
    return appendedBatches.get();
  }

  public long deletedFiles() {
    return deletedFiles.get();
  }

  /** The index of the newest document, or -1 when the queue is empty. */
  public long lastIndex() {
    long last = queue.lastIndex();
    return last == Long.MIN_VALUE ? -1 : last;
  }

  public Collection<QueueReader> readers() {
    return new ArrayList<>(readers.values());
  }

  public Path directory() {
    return queue.file().toPath();
  }

  @Override
  public void close() {
    readers.values().forEach(QueueReader::close);
    if (probe != null) {
      probe.close();
    }
    if (appender != null) {
      appender.close();
    }
    queue.close();
  }

  /** Lines being gathered for one append; holds the queue's buffer until appended. */
  public static final class Batch {
    private final Bytes<?> bytes;
    private int lines;

    private Batch(Bytes<?> bytes) {
      this.bytes = bytes;
    }

    public void add(long timestampNanos, boolean stderr, boolean truncated, boolean malformed, long offset,
        String message) {
      QueueDocuments.writeLine(bytes, timestampNanos, stderr, truncated, malformed, offset, message);
      lines++;
    }

    public int lines() {
      return lines;
    }

    public long bytes() {
      return bytes.writePosition();
    }
  }
}

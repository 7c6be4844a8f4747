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
import net.openhft.chronicle.queue.RollCycle;
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
 * backlog (what the slowest reader has not acknowledged), which {@link #full()} compares with
 * {@code queue.max_bytes}.
 */
public final class LogQueue implements AutoCloseable {

  /**
   * Five-second files ({@link QueueRollCycle}): on a full disk, acknowledged space comes back within seconds. A queue
   * made by an older version with longer files keeps them until {@link #open(Path, QueueConfig, String, long,
   * Collection)} finds every sink has everything in it, and then starts a queue of short files.
   */
  static final RollCycle ROLL_CYCLE = QueueRollCycle.FIVE_SECONDLY;

  static {
    // Chronicle's own disk monitor logs an ERROR every 10 s while the disk is nearly full ("the JVM may crash"); the
    // queue measures free space itself and pauses appends before a mapped write could fail (diskFull), so the
    // condition is handled, and reported once a minute by the tailer. Only set when nobody chose otherwise.
    if (System.getProperty("chronicle.disk.monitor.disable") == null) {
      System.setProperty("chronicle.disk.monitor.disable", "true");
    }
  }
  private static final long POSITIONS_MOVE_AFTER_MILLIS = 60_000;
  /**
   * Mapped blocks count in RSS: 1 MiB (for the default 256 KiB lines) keeps the mapped part small (64 MiB, the
   * default, added ~150 MB RSS; 4 MiB, about 8 MiB at full speed).
   */
  private static final long MIN_BLOCK_SIZE = 1L << 20;

  private final SingleChronicleQueue queue;
  private final QueueConfig config;
  private final String node;
  private final int maxDocumentBytes;
  private final TimeProvider time;
  private final CycleFiles files;
  private final Map<String, QueueReader> readers = new ConcurrentHashMap<>();
  private final List<FilePosition> recovered;
  private final Bytes<?> positionsBuffer = Bytes.allocateElasticOnHeap(4 * 1024);
  private ExcerptAppender appender;
  private java.nio.file.FileStore store;
  private volatile boolean measured;
  private Thread appenderThread;
  private volatile long bytesOnDisk;
  /** What the slowest reader has not acknowledged, in bytes of documents, as of the last maintain. */
  private volatile long backlogBytes;
  /** Bytes that may be appended before free space must be measured again; unknown until the first maintain. */
  private volatile long headroom = Long.MAX_VALUE;
  private final AtomicLong appendedSinceCheck = new AtomicLong();
  private final AtomicLong diskFullEvents = new AtomicLong();
  private volatile int positionsCycle = -1;
  /**
   * The cycle of the newest document appended: a write in progress goes to its file or a newer one, so maintenance
   * (on its own thread) never deletes it, even when every reader has passed what it holds so far.
   */
  private volatile int lastAppendedCycle = -1;
  /** Written by the appending thread only; what the readers' lags are counted against, and the records appended. */
  private volatile AppendedTotals appendedTotals;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
  private final AtomicLong appendedBatches = new AtomicLong();
  private final AtomicLong deletedFiles = new AtomicLong();
  private final AtomicLong expiredFiles = new AtomicLong();
  private final String id;

  private LogQueue(SingleChronicleQueue queue, QueueConfig config, String node, int maxDocumentBytes,
      TimeProvider time) throws IOException {
    this.queue = queue;
    this.time = time;
    this.maxDocumentBytes = maxDocumentBytes;
    this.config = config;
    this.node = node;
    this.files = new CycleFiles(queue.file().toPath(), queue.rollCycle());
    this.id = storedId(queue);
    Recovery recovery = recover();
    this.recovered = recovery.positions();
    this.bytesOnDisk = files.bytes();
    this.appendedTotals = new AppendedTotals(recovery.lastIndex(), 0, 0);
  }

  /** Opens (or creates) the queue in {@code dir}, its roll cycles following the system clock. */
  public static LogQueue open(Path dir, QueueConfig config, String node, long maxRecordBytes) throws IOException {
    return open(dir, config, node, maxRecordBytes, net.openhft.chronicle.core.time.SystemTimeProvider.INSTANCE);
  }

  /**
   * Opens (or creates) the queue in {@code dir} for the sinks named, first moving a queue of an older version's
   * longer files to {@link #ROLL_CYCLE} files when none of these sinks is owed a record of it
   * ({@link QueueCycleMigration}).
   */
  public static LogQueue open(Path dir, QueueConfig config, String node, long maxRecordBytes,
      Collection<String> sinks) throws IOException {
    return QueueCycleMigration.open(dir, sinks, at -> open(at, config, node, maxRecordBytes));
  }

  /**
   * Opens (or creates) the queue in {@code dir}.
   *
   * @param maxRecordBytes the longest message a record may have ({@code logs.max_line_bytes}): Chronicle takes
   *     documents of up to a quarter of its block size, so blocks grow beyond 1 MiB only for longer lines (mapped
   *     blocks count in RSS). A record that would not fit with its batch's header is cut to fit, flagged truncated.
   * @param time the clock that picks roll cycles
   */
  public static LogQueue open(Path dir, QueueConfig config, String node, long maxRecordBytes, TimeProvider time)
      throws IOException {
    long blockSize = Math.max(MIN_BLOCK_SIZE, Long.highestOneBit(4 * maxRecordBytes - 1) << 1);
    UnfinishedCycleFiles.delete(dir);
    SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir)
        .rollCycle(ROLL_CYCLE)
        .blockSize(blockSize)
        .timeProvider(time)
        .build();
    try {
      return new LogQueue(queue, config, node, (int) Math.min(Integer.MAX_VALUE, blockSize / 4), time);
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

  /** What a start finds in the queue: each file's stored position, and the index of the last document (-1: none). */
  private record Recovery(List<FilePosition> positions, long lastIndex) {}

  private Recovery recover() {
    Map<FileIdentity, FilePosition> positions = new HashMap<>();
    long last = -1;
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
          last = dc.index(); // the replay reads to the end: no second search for the last index
          Bytes<?> in = dc.wire().bytes();
          if (in.readRemaining() > 0 && in.readByte() == QueueDocuments.BATCH) {
            QueueDocuments.BatchHeader header = QueueDocuments.readBatchHeader(in);
            LogSource source = header.source();
            positions.put(source.file(), new FilePosition(source.file(), source.path(), header.resumeOffset()));
          }
        }
      }
    }
    return new Recovery(List.copyOf(positions.values()), last);
  }

  /**
   * Opens a batch of lines read from {@code source}: a document written in place in the queue's mapped file (no
   * copy), invisible to readers until {@link #append} completes it, dropped by {@link Batch#abandon}. Only the
   * appending thread (the tailer) may call this, one batch at a time.
   */
  public Batch batch(LogSource source) {
    DocumentContext document = appender().writingDocument();
    try {
      Bytes<?> out = document.wire().bytes();
      long start = out.writePosition();
      QueueDocuments.startBatch(out, source);
      return new Batch(document, out, start, start + maxDocumentBytes - QueueDocuments.END_BYTES);
    } catch (RuntimeException | Error e) {
      document.rollbackOnClose();
      closeBroken(document, e);
      throw e;
    }
  }

  /** Completes a batch with the position it advances its file to: records and position become visible together. */
  public void append(Batch batch, long resumeOffset) {
    long size;
    try {
      QueueDocuments.endBatch(batch.bytes, resumeOffset, batch.lines);
      size = batch.bytes.writePosition() - batch.start;
      batch.document.close();
    } catch (RuntimeException | Error e) {
      batch.document.rollbackOnClose();
      closeBroken(batch.document, e);
      throw e instanceof Error error ? new IllegalStateException("the queue refused a write", error)
          : (RuntimeException) e;
    }
    appendedBatches.incrementAndGet();
    long index = appender.lastIndexAppended();
    appendedTotals = appendedTotals.plus(index, size, batch.lines);
    lastAppendedCycle = queue.rollCycle().toCycle(index);
    long after = appendedSinceCheck.addAndGet(size);
    if (after >= headroom && after - size < headroom) {
      diskFullEvents.incrementAndGet();
    }
  }

  /** After a failed write the appender may be mid-document: it is dropped and the next write starts clean. */
  private void closeBroken(DocumentContext document, Throwable cause) {
    try {
      document.close();
    } catch (RuntimeException | Error e) {
      cause.addSuppressed(e);
    }
    dropAppender();
  }

  private void dropAppender() {
    ExcerptAppender broken = appender;
    appender = null;
    if (broken != null) {
      broken.close();
    }
  }

  /** Writes every tailed file's position; the tailer calls this periodically and before retention. */
  public void appendPositions(Collection<FilePosition> positions) {
    QueueDocuments.writePositions(positionsBuffer, positions);
    long size = positionsBuffer.readRemaining();
    write(positionsBuffer);
    long index = appender.lastIndexAppended();
    appendedTotals = appendedTotals.plus(index, size, 0);
    positionsCycle = queue.rollCycle().toCycle(index);
    lastAppendedCycle = positionsCycle;
  }

  /**
   * Writes one document. A failed write (disk full, I/O error) may leave Chronicle's appender mid-document; it is
   * dropped so the next attempt starts clean, and the caller keeps its file positions where they were.
   */
  private void write(Bytes<?> document) {
    try {
      appender().writeBytes(document);
    } catch (RuntimeException | Error e) {
      dropAppender();
      throw e instanceof Error error ? new IllegalStateException("the queue refused a write", error)
          : (RuntimeException) e;
    }
  }

  private ExcerptAppender appender() {
    if (appender == null) {
      appender = queue.createAppender();
      appenderThread = Thread.currentThread();
    } else if (appenderThread != Thread.currentThread()) {
      if (appenderThread.isAlive()) {
        throw new IllegalStateException("the queue is appended to by " + appenderThread.getName() + " only");
      }
      // the appending thread ended (a tailer stopped and started again): the appender is this thread's now
      appender.singleThreadedCheckReset();
      appenderThread = Thread.currentThread();
    }
    return appender;
  }

  /** How long one queue file spans: {@link #ROLL_CYCLE}'s, unless an older version made the queue. */
  int fileLengthMillis() {
    return queue.rollCycle().lengthInMillis();
  }

  /** The named reader for one sink, created on first use; its position survives restarts. */
  public QueueReader reader(String name) {
    return readers.computeIfAbsent(name,
        n -> new QueueReader(n, queue, queue.indexForId("reader." + n), node, id, this::appendedTotals));
  }

  /**
   * A random identity, made when the queue is created and kept in its metadata. Queue indexes are unique only
   * within one queue (every node's queue counts from its own start, and a wiped data directory starts again), so a
   * sink's server must see this next to an index to tell batches of different queues apart.
   */
  public String id() {
    return id;
  }

  private static String storedId(SingleChronicleQueue queue) {
    java.util.UUID fresh = java.util.UUID.randomUUID(); // random bits from SecureRandom: no two nodes share one
    long[] halves = {fresh.getMostSignificantBits(), fresh.getLeastSignificantBits()};
    String[] keys = {"queue.id.high", "queue.id.low"};
    StringBuilder id = new StringBuilder(32);
    for (int i = 0; i < 2; i++) {
      net.openhft.chronicle.core.values.LongValue stored = queue.indexForId(keys[i]);
      long value = stored.getVolatileValue();
      // never set reads as 0 or MIN_VALUE, which no half of a version-4 UUID is (its version and variant bits)
      if (value == 0 || value == Long.MIN_VALUE) {
        value = stored.compareAndSwapValue(value, halves[i]) ? halves[i] : stored.getVolatileValue();
      }
      id.append(String.format("%016x", value));
    }
    return id.toString();
  }

  /**
   * Deletes the roll-cycle files that every reader has acknowledged and that the newest positions document does
   * not need, then measures what is left. Called from one thread ({@link QueueMaintenance}) while another appends. With no reader at all, nothing will ever read older files: only the
   * current cycle (and the positions) are kept.
   *
   * @return the number of files deleted
   */
  public int maintain() throws IOException {
    int current = queue.cycle();
    int keepFrom = current;
    // a tailer for this round only: one kept would stay mapped on the last file it probed, and a deleted file's
    // space comes back only once nothing maps it (on a full disk, reading would stay paused for good)
    try (ExcerptTailer probe = queue.createTailer()) {
      for (QueueReader reader : readers.values()) {
        keepFrom = Math.min(keepFrom, reader.oldestNeededCycle(probe));
      }
    }
    if (positionsCycle >= 0) {
      keepFrom = Math.min(keepFrom, positionsCycle);
    }
    if (lastAppendedCycle >= 0) {
      keepFrom = Math.min(keepFrom, lastAppendedCycle);
    }
    for (QueueReader reader : readers.values()) {
      // before any file goes: a reader counting its lag from the queue (its first round) must find what it owes
      reader.refreshLag();
    }
    int expired = 0;
    if (config.maxAge() != null) {
      // files wholly older than max_age go even if unread, but never the newest positions
      long cutMillis = time.currentTimeMillis() - config.maxAge().toMillis();
      int ageCut = (int) Math.floorDiv(cutMillis, (long) queue.rollCycle().lengthInMillis());
      int expireBefore = Math.min(Math.min(ageCut, current), positionsCycle >= 0 ? positionsCycle : current);
      if (expireBefore > keepFrom) {
        expired = files.deleteBefore(expireBefore);
        expiredFiles.addAndGet(expired);
      }
    }
    // nothing older than keepFrom: no need to list the directory (once a second, on every node)
    int deleted = (queue.firstCycle() < keepFrom ? files.deleteBefore(keepFrom) : 0) + expired;
    if (deleted > 0) {
      deletedFiles.addAndGet(deleted);
      queue.refreshDirectoryListing();
    }
    long backlog = 0;
    for (QueueReader reader : readers.values()) {
      if (expired > 0) {
        reader.resetLag(); // what expired unread is no longer owed
        reader.refreshLag();
      }
      backlog = Math.max(backlog, reader.lagBytes());
    }
    backlogBytes = backlog;
    bytesOnDisk = files.bytes();
    boolean wasDiskFull = diskFull();
    if (store == null) {
      store = java.nio.file.Files.getFileStore(directory()); // looked up in the mount table once, not every round
    }
    headroom = store.getUsableSpace() - diskReserve();
    measured = true;
    appendedSinceCheck.set(0);
    if (diskFull() && !wasDiskFull) {
      diskFullEvents.incrementAndGet();
    }
    return deleted;
  }

  /**
   * Free space below which the queue counts as full: Chronicle writes through memory-mapped blocks, and a block
   * that cannot be backed on disk kills the process (SIGBUS) instead of failing a write, so appends stop while
   * two blocks and a margin are still free.
   */
  private long diskReserve() {
    return 8L * maxDocumentBytes + (8L << 20);
  }

  /**
   * Whether the disk under the queue is nearly full: too little space at the last {@link #maintain}, or as much
   * appended since as there was room for (the check is not left to a timer: a fast tailer fills gigabytes a
   * minute).
   */
  public boolean diskFull() {
    return appendedSinceCheck.get() >= headroom;
  }

  /**
   * Whether the backlog and free space were measured at least once ({@link #maintain}): before that, whether the
   * queue is full is not known, and the producer waits (after a restart with a full queue it would add to it).
   */
  public boolean measured() {
    return measured;
  }

  /** How many times the disk under the queue ran short of space. */
  public long diskFullEvents() {
    return diskFullEvents.get();
  }

  /**
   * Whether the newest positions document should be written again, so that retention can free the older file it
   * holds: at once when space is short, else once that file is a minute old. A quiet node then makes a new queue
   * file a minute, not every five seconds; an old file kept only for the positions costs nothing but its few bytes.
   */
  public boolean positionsShouldMove() {
    if (positionsCycle < 0) {
      return false;
    }
    int behind = queue.cycle() - positionsCycle;
    return behind > 0 && (diskFull() || full()
        || (long) behind * queue.rollCycle().lengthInMillis() >= POSITIONS_MOVE_AFTER_MILLIS);
  }

  /**
   * Whether the slowest reader has {@code queue.max_bytes} or more not yet acknowledged, or the disk is (nearly)
   * full, as of the last {@link #maintain}. It is the backlog that counts, not the files: what every reader has
   * acknowledged stays on disk until its file is passed, and counting it would hold the tailer back
   * for up to a minute after the sinks caught up. Files are bounded by the backlog plus one cycle's appends,
   * and by the free-space guard.
   */
  public boolean full() {
    return diskFull() || backlogBytes >= config.maxBytes().bytes();
  }

  public long backlogBytes() {
    return backlogBytes;
  }

  public long bytesOnDisk() {
    return bytesOnDisk;
  }

  /** What this process appended, for the readers' lags (and tests). */
  AppendedTotals appendedTotals() {
    return appendedTotals;
  }

  public long appendedRecords() {
    return appendedTotals.records();
  }

  public long appendedBatches() {
    return appendedBatches.get();
  }

  public long deletedFiles() {
    return deletedFiles.get();
  }

  /** Queue files deleted by {@code queue.max_age} before every reader had passed them. */
  public long expiredFiles() {
    return expiredFiles.get();
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
    if (closed.getAndSet(true)) {
      return; // idempotent: the agent may close it from stop and from a start that found it stopping
    }
    readers.values().forEach(QueueReader::close);
    if (appender != null) {
      appender.close();
    }
    queue.close();
  }

  /** Lines being written as one document; holds the queue's write lock until appended or abandoned. */
  public final class Batch {
    private final DocumentContext document;
    private final Bytes<?> bytes;
    private final long start;
    /** The write position the lines must end before, leaving room for the batch's end fields. */
    private final long limit;
    private int lines;

    private Batch(DocumentContext document, Bytes<?> bytes, long start, long limit) {
      this.document = document;
      this.bytes = bytes;
      this.start = start;
      this.limit = limit;
    }

    /** Drops the batch: nothing of it is stored (the read that filled it failed and will be repeated). */
    public void abandon() {
      document.rollbackOnClose();
      document.close();
    }

    /**
     * Adds a line, or returns false when it does not fit in this batch (append this one and add the line to a new
     * batch). A first line too long for any batch is cut at a character boundary to fit, and flagged truncated.
     */
    public boolean add(long timestampNanos, boolean stderr, boolean truncated, boolean malformed, long offset,
        String message) {
      return add(timestampNanos, stderr, truncated, malformed, offset,
          message.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** {@link #add(long, boolean, boolean, boolean, long, String)} for a message already in valid UTF-8. */
    public boolean add(long timestampNanos, boolean stderr, boolean truncated, boolean malformed, long offset,
        byte[] utf8) {
      return add(timestampNanos, stderr, truncated, malformed, offset, utf8, 0, utf8.length);
    }

    /** The same, for a message of valid UTF-8 that is {@code length} bytes of {@code utf8} from {@code from}. */
    public boolean add(long timestampNanos, boolean stderr, boolean truncated, boolean malformed, long offset,
        byte[] utf8, int from, int length) {
      long room = limit - bytes.writePosition() - QueueDocuments.LINE_OVERHEAD;
      if (length > room) {
        if (lines > 0) {
          return false;
        }
        length = Utf8Cut.length(utf8, from, length, (int) Math.max(0, room));
        truncated = true;
      }
      QueueDocuments.writeLine(bytes, timestampNanos, stderr, truncated, malformed, offset, utf8, from, length);
      lines++;
      return true;
    }

    public int lines() {
      return lines;
    }


  }
}

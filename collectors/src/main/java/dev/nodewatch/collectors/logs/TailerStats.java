package dev.nodewatch.collectors.logs;

import java.util.concurrent.atomic.LongAdder;

/** What the tailer counts, read by the agent's metrics and {@code /debug/files}. */
public final class TailerStats {
  final LongAdder linesRead = new LongAdder();
  final LongAdder bytesRead = new LongAdder();
  final LongAdder malformedLines = new LongAdder();
  final LongAdder truncatedLines = new LongAdder();
  final LongAdder droppedLines = new LongAdder();
  final LongAdder truncations = new LongAdder();
  final LongAdder rotations = new LongAdder();
  private final java.util.EnumMap<LostBytes, LongAdder> lost = new java.util.EnumMap<>(LostBytes.class);
  final LongAdder rotatedFilesFound = new LongAdder();
  final LongAdder compressedFilesFound = new LongAdder();
  final LongAdder corruptFiles = new LongAdder();
  final LongAdder filesGone = new LongAdder();
  /** By namespace, pod and container; changed by the tailer's thread only, read by the metrics. */
  final java.util.concurrent.ConcurrentHashMap<java.util.List<String>, ContainerLogCounts> containers =
      new java.util.concurrent.ConcurrentHashMap<>();
  volatile int pathsFailing;
  final LongAdder openErrors = new LongAdder();
  final LongAdder skippedPaths = new LongAdder();
  final LongAdder readErrors = new LongAdder();
  final LongAdder queueErrors = new LongAdder();
  volatile int filesTracked;
  volatile int filesOpen;
  volatile boolean paused;

  /** Lines appended to the queue (joined lines, not parts). */
  public long linesRead() {
    return linesRead.sum();
  }

  public long bytesRead() {
    return bytesRead.sum();
  }

  public long malformedLines() {
    return malformedLines.sum();
  }

  public long truncatedLines() {
    return truncatedLines.sum();
  }

  /** Lines read but not stored because the queue was full under {@code when_full: drop_newest}. */
  public long droppedLines() {
    return droppedLines.sum();
  }

  /** Files found shorter than their read position (copytruncate) and read again from the start. */
  public long truncations() {
    return truncations.sum();
  }

  /** Files let go of because no watched path leads to them any more (rotated, removed). */
  public long rotations() {
    return rotations.sum();
  }

  /** Why bytes of a log file could not be shipped; the label of {@code nodewatch_logs_lost_bytes_total}. */
  public enum LostBytes {
    /** The file vanished (while closed to save descriptors) before it was read to its end. */
    DELETED_BEFORE_READ,
    /**
     * Truncated while the agent was down: shorter, at the restart, than the position stored for it. What was written
     * after that position is lost, and how much is not known: the file is flagged, and this counts nothing.
     */
    TRUNCATED_BEFORE_READ,
    /** Written after the last read and then truncated away (copytruncate) before it could be read. */
    COPYTRUNCATE,
    /** Beyond {@code logs.max_line_bytes} in an over-long line. */
    TOO_LONG,
    /** An unfinished last line (no newline) of a file nobody will write to again. */
    UNFINISHED,
    /** Compressed bytes that could not be decompressed (a corrupt or not-gzip {@code .gz}). */
    CORRUPT;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  TailerStats() {
    for (LostBytes reason : LostBytes.values()) {
      lost.put(reason, new LongAdder());
    }
  }

  void lost(LostBytes reason, long bytes) {
    lost.get(reason).add(bytes);
  }

  /** Bytes that could not be shipped, for one reason. */
  public long lostBytes(LostBytes reason) {
    return lost.get(reason).sum();
  }

  /** Bytes that could not be shipped, for every reason. */
  public long lostBytes() {
    return lost.values().stream().mapToLong(LongAdder::sum).sum();
  }

  /** Rotated files found that the tailer had never seen under their live name, read from their stored position. */
  public long rotatedFilesFound() {
    return rotatedFilesFound.sum();
  }

  /** Of those, the compressed ones ({@code .gz}), read by decompressing them. */
  public long compressedFilesFound() {
    return compressedFilesFound.sum();
  }

  /** Compressed files that could not be decompressed (to their end, or at all). */
  public long corruptFiles() {
    return corruptFiles.sum();
  }

  /**
   * Files with a stored position that were not found again at start (deleted while the agent was down, plain and
   * compressed): whatever they held after that position could not be read.
   */
  public long filesGone() {
    return filesGone.sum();
  }

  /** The containers whose log files are tailed now, with what each gave so far. */
  public java.util.Collection<ContainerLogCounts> containers() {
    return containers.values();
  }

  /** Paths matching the include globs that cannot be opened now. */
  public int pathsFailing() {
    return pathsFailing;
  }

  /** Paths matching the include globs that are not regular files (a directory named like a log file). */
  public long skippedPaths() {
    return skippedPaths.sum();
  }

  /** Paths that started failing to open (each counted once until it opens again or goes away). */
  public long openErrors() {
    return openErrors.sum();
  }

  public long readErrors() {
    return readErrors.sum();
  }

  /** Appends to the queue that failed (disk full, I/O error); reading pauses and retries. */
  public long queueErrors() {
    return queueErrors.sum();
  }

  public int filesTracked() {
    return filesTracked;
  }

  public int filesOpen() {
    return filesOpen;
  }

  /** Whether reading is paused because the queue is full ({@code when_full: block}). */
  public boolean paused() {
    return paused;
  }
}

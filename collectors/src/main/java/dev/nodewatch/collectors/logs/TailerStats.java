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
  final LongAdder lostBytes = new LongAdder();
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

  /** Bytes of files that vanished before they were read to their end. */
  public long lostBytes() {
    return lostBytes.sum();
  }

  /** Paths matching the include globs that are not regular files (a directory named like a log file). */
  public long skippedPaths() {
    return skippedPaths.sum();
  }

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

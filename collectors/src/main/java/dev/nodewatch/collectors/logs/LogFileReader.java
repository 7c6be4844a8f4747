package dev.nodewatch.collectors.logs;

import dev.nodewatch.collectors.queue.FileIdentity;
import dev.nodewatch.collectors.queue.LogQueue;
import dev.nodewatch.collectors.runtime.RateLimitedLog;
import java.io.IOException;

/**
 * Reads what is new in one tailed file, up to a budget: frames lines ({@link LineReader}), parses them (CRI,
 * Docker JSON, plain), joins kubelet's partial lines across the container's files and multi-line records, and
 * stores the records through a {@link QueueEmitter}. The file's offset moves only past what is in the queue.
 */
final class LogFileReader {

  private final LogQueue queue;
  private final TailerStats stats;
  private final RateLimitedLog errors;
  private final int budget;
  private final Runnable positionsChanged;
  private final Runnable storePositions;

  /**
   * @param positionsChanged a file moved without a batch stored (a part still joining, records dropped): its
   *     position is stored with the next positions document
   * @param storePositions an older file's position moved with a batch of a newer one: store positions now
   */
  LogFileReader(LogQueue queue, TailerStats stats, RateLimitedLog errors, int budget, Runnable positionsChanged,
      Runnable storePositions) {
    this.queue = queue;
    this.stats = stats;
    this.errors = errors;
    this.budget = budget;
    this.positionsChanged = positionsChanged;
    this.storePositions = storePositions;
  }

  /**
   * Reads up to the budget from the file's offset.
   *
   * @throws IllegalStateException when the queue refused a write; nothing unstored of this read is kept
   */
  void read(TailedFile file, ContainerFiles container, long now, boolean dropping) throws IOException {
    QueueEmitter out = new QueueEmitter(queue, stats, file, container, dropping);
    long wallNanos = System.currentTimeMillis() * 1_000_000L;
    long[] lineStart = {file.readOffset};
    long linesBefore = file.linesRead;
    long next;
    try {
      next = file.reader.read(file.input, file.readOffset, budget, (bytes, from, to, truncated, end) ->
          accept(file, container.joiner(), out, wallNanos, now, lineStart, bytes, from, to, truncated, end));
      if (next != file.readOffset && !out.finish(next)) {
        positionsChanged.run(); // stored first: the file's position moves only past what is in the queue
      }
    } catch (IOException | RuntimeException e) {
      out.abandon();
      file.linesRead = linesBefore; // read again
      throw e;
    } catch (InternalError e) {
      // the JVM's report of a fault (SIGBUS) writing a mapped block the disk could not back: the disk filled up
      // faster than measured. Nothing unstored of this read is kept; it is read again once there is space.
      out.abandon();
      file.linesRead = linesBefore;
      throw new IllegalStateException("the queue's disk refused a write", e);
    }
    long cut = file.reader.truncatedBytes() - file.truncatedBytesCounted;
    if (cut > 0) {
      file.truncatedBytesCounted += cut;
      stats.lost(TailerStats.LostBytes.TOO_LONG, cut);
      file.skipped(cut, TailerStats.LostBytes.TOO_LONG.label());
    }
    if (next == file.readOffset) {
      return;
    }
    stats.bytesRead.add(next - file.readOffset);
    file.bytesRead += next - file.readOffset;
    if (file.counts != null) {
      file.counts.bytes.add(next - file.readOffset);
    }
    file.readOffset = next;
    file.refreshIdentity();
    if (out.olderMoved()) {
      storePositions.run();
    }
  }

  /** Multi-line records nothing was added to for {@code flush_after} (all of them, for a file being let go). */
  void flushMultiline(TailedFile file, ContainerFiles container, long now, boolean all, boolean dropping) {
    if (file.multiline == null || !file.multiline.hasPending()) {
      return;
    }
    QueueEmitter out = new QueueEmitter(queue, stats, file, container, dropping);
    try {
      file.multiline.flush(now, all, out::emit);
      if (!out.finish(file.readOffset)) {
        positionsChanged.run();
      }
      if (out.olderMoved()) {
        storePositions.run();
      }
    } catch (RuntimeException | InternalError e) {
      out.abandon();
      throw e instanceof RuntimeException r ? r : new IllegalStateException("the queue's disk refused a write", e);
    }
  }

  /**
   * copytruncate: the file is shorter than what was read, or starts differently; it is read again from the start,
   * once, and what was written after the last read and copied away before it could be read is counted as lost.
   */
  void checkTruncated(TailedFile file) {
    if (!file.input.growable()) {
      return;
    }
    try {
      long size = file.input.size();
      if (size < file.readOffset || file.readOffset > 0 && !file.sameStart()) {
        stats.truncations.increment();
        long lost = Math.max(0, file.sizeAtLastCheck - file.readOffset);
        stats.lost(TailerStats.LostBytes.COPYTRUNCATE, lost);
        file.skipped(lost, TailerStats.LostBytes.COPYTRUNCATE.label());
        errors.error("truncated", file.realPath + " was truncated; reading it again from the start", null);
        file.readOffset = 0;
        file.pendingStart = -1;
        file.sizeAtLastCheck = size;
        // the file is known by its new first bytes from now on: compared with the old ones, every later scan would
        // take it for truncated again and read it all once more
        file.reidentify(file.identity.refingerprint(file.input.head(FileIdentity.FINGERPRINT_BYTES)));
        positionsChanged.run();
      }
    } catch (IOException e) {
      stats.readErrors.increment();
    }
  }

  private static void accept(TailedFile file, PartialLineJoiner joiner, QueueEmitter out, long wallNanos, long now,
      long[] lineStart, byte[] bytes, int from, int to, boolean truncated, long end) {
    long start = lineStart[0];
    lineStart[0] = end;
    file.linesRead++;
    LogLine line = file.parser.parse(bytes, from, to, wallNanos);
    JoinedLine joined = joiner.accept(line);
    if (joined == null) {
      if (file.pendingStart < 0) {
        file.pendingStart = start;
      }
      return;
    }
    long recordOffset = file.pendingStart >= 0 ? file.pendingStart : start;
    if (!joiner.hasPending()) {
      file.pendingStart = -1;
      out.completesOlderParts();
    }
    if (truncated && !joined.truncated()) {
      joined = joined.asTruncated();
    }
    if (file.multiline == null) {
      out.emit(joined, recordOffset);
    } else {
      file.multiline.accept(joined, recordOffset, now, out::emit);
    }
  }
}

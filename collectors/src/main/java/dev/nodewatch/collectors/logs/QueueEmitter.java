package dev.nodewatch.collectors.logs;

import dev.nodewatch.collectors.queue.LogQueue;
import java.io.IOException;

/**
 * Writes one read's records of one file to the queue, as batches of the file's source, each stored with the
 * position it advances the file to (records and position become visible together); a batch that reaches the
 * document limit is stored and the next begun. A read that fails is {@link #abandon}ed: what was not stored is
 * dropped and the file goes back to its last stored position, so nothing is lost and nothing joined twice.
 */
final class QueueEmitter {

  private final LogQueue queue;
  private final TailerStats stats;
  private final TailedFile file;
  private final ContainerFiles container;
  private final boolean dropping;
  private LogQueue.Batch batch;
  /** Everything before this is in the queue: where a failed read goes back to. */
  private long storedUpTo;
  private boolean completesOlder;
  /** An older file's position moved with this read: store positions once this file's has moved as well. */
  private boolean olderMoved;

  /** @param dropping the queue is full under {@code when_full: drop_newest}: records are counted, not stored */
  QueueEmitter(LogQueue queue, TailerStats stats, TailedFile file, ContainerFiles container, boolean dropping) {
    this.queue = queue;
    this.stats = stats;
    this.file = file;
    this.container = container;
    this.dropping = dropping;
    this.storedUpTo = file.resumeOffset();
  }

  void emit(JoinedLine line, long offset) {
    if (line.malformed()) {
      stats.malformedLines.increment();
    }
    if (line.truncated()) {
      stats.truncatedLines.increment();
    }
    if (dropping) {
      stats.droppedLines.increment();
      return;
    }
    if (batch == null) {
      // fingerprinted as far as the file goes before its batches are stored: they carry the identity a restart
      // recognises the file by, also once it is compressed
      refreshIdentity();
      batch = queue.batch(file.source);
    }
    if (!addToBatch(line, offset)) {
      // full: everything before this record is in the batch, except records still gathering parts or lines
      append(file.resumeBefore(offset));
      batch = queue.batch(file.source);
      addToBatch(line, offset);
    }
  }

  private boolean addToBatch(JoinedLine line, long offset) {
    return batch.add(line.timestampNanos(), line.stream() == LogStream.STDERR, line.truncated(), line.malformed(),
        offset, line.bytes(), line.messageStart(), line.messageLength());
  }

  private void refreshIdentity() {
    try {
      file.refreshIdentityBefore(Long.MAX_VALUE);
    } catch (IOException e) {
      stats.readErrors.increment(); // the batch goes with the identity it has; the next read reports the fault
    }
  }

  /**
   * Stores what is left, with the position {@code next} (where the read ended) gives.
   *
   * @return whether a batch was stored now; if not, the file's position moved without one and must be stored apart
   */
  boolean finish(long next) {
    if (batch == null) {
      return false;
    }
    append(file.resumeBefore(next));
    return true;
  }

  /**
   * Drops what was not stored and takes the file back to the last stored position, forgetting the parts and
   * lines gathered since: they are read again, so nothing is lost and nothing is joined twice.
   */
  void abandon() {
    if (batch != null) {
      batch.abandon();
      batch = null;
    }
    file.readOffset = storedUpTo;
    file.pendingStart = -1;
    container.abandonParts(file);
    if (file.multiline != null) {
      file.multiline.clear();
    }
  }

  /**
   * A line begun in an older file of the container (a P before kubelet's rename) was completed here: once this
   * batch is stored, that file is past its last part.
   */
  void completesOlderParts() {
    completesOlder = true;
  }

  /**
   * Whether an older file's position moved with this read: positions must be stored now (those written before
   * would still hold this file before the batch just stored, and a restart must not join the older part again).
   */
  boolean olderMoved() {
    return olderMoved;
  }

  private void append(long resumeOffset) {
    queue.append(batch, resumeOffset);
    stats.linesRead.add(batch.lines());
    file.linesAppended += batch.lines();
    if (file.counts != null) {
      file.counts.lines.add(batch.lines());
    }
    batch = null;
    storedUpTo = resumeOffset;
    if (completesOlder && (file.multiline == null || !file.multiline.hasPending())) {
      completesOlder = false;
      olderMoved |= container.partsStoredFrom(file);
    }
  }
}

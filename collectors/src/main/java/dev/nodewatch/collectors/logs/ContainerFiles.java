package dev.nodewatch.collectors.logs;

import dev.nodewatch.collectors.queue.LogSource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The tailed files of one directory (a container's, under {@code /var/log/pods}), in the order their content was
 * written: a container's older file is read before its newer ones, and a line kubelet split across a rotation (a
 * {@code P} part at the end of one file, the rest at the start of the next) is joined by the directory's one
 * {@link PartialLineJoiner}. Which file holds the first part of a line still being joined is its
 * {@code pendingStart}; this class keeps those consistent when the join is stored or abandoned.
 */
final class ContainerFiles {

  private final List<TailedFile> files = new ArrayList<>(2);
  private final PartialLineJoiner joiner;

  ContainerFiles(int maxLineBytes) {
    this.joiner = new PartialLineJoiner(maxLineBytes);
  }

  void add(TailedFile file) {
    files.add(file);
  }

  /** @return whether no file is left (the directory can be forgotten, and with it any part it was joining) */
  boolean remove(TailedFile file) {
    files.remove(file);
    return files.isEmpty();
  }

  List<TailedFile> files() {
    return files;
  }

  PartialLineJoiner joiner() {
    return joiner;
  }

  /** Whether an older file of the directory still has bytes to read: its content goes first, as it was written. */
  boolean waitsForOlder(TailedFile file) {
    if (files.size() < 2) {
      return false;
    }
    for (TailedFile other : files) {
      try {
        if (other != file && other.olderThan(file) && other.hasUnread()) {
          return true;
        }
      } catch (IOException e) {
        // cannot tell: the older file's own read reports the fault; this one is not held back by it
      }
    }
    return false;
  }

  /**
   * {@code file}'s read was abandoned (nothing of it stored): the joiner's parts are forgotten, and an older file
   * whose last part was among them is taken back to where that part starts, to be read again first.
   */
  void abandonParts(TailedFile file) {
    joiner.clear();
    for (TailedFile older : files) {
      if (older != file && older.pendingStart >= 0) {
        older.readOffset = older.pendingStart;
        older.pendingStart = -1;
      }
    }
  }

  /**
   * A line begun in an older file was completed in {@code file} and stored: the older file is past its last part.
   *
   * @return whether an older file's position moved (the positions should be stored once {@code file}'s has too)
   */
  boolean partsStoredFrom(TailedFile file) {
    boolean moved = false;
    for (TailedFile older : files) {
      if (older != file && older.pendingStart >= 0) {
        older.pendingStart = -1;
        moved = true;
      }
    }
    return moved;
  }

  /** Whether a file being read here has this content (so a file found with it is its compressed copy). */
  boolean reads(ByteBuffer head) {
    for (TailedFile f : files) {
      if (f.identity.sameContent(head)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The container id and pod labels of a file of the same start read through its {@code /var/log/containers} link,
   * for a rotated file whose path gives only pod and container; {@code own} itself when there is none.
   */
  LogSource withLinkedDetails(LogSource own, LogFileName name) {
    for (TailedFile f : files) {
      if (f.name != null && f.name.restart() == name.restart() && !f.source.containerId().isEmpty()) {
        return new LogSource(own.file(), own.path(), own.namespace(), own.pod(), own.podUid(), own.container(),
            f.source.containerId(), own.restartCount(), f.source.labels());
      }
    }
    return own;
  }

  /** Whether every file here has been quiet for {@code idleReads} reads in a row and none is being drained. */
  boolean allQuiet(int idleReads) {
    for (TailedFile f : files) {
      if (f.idleReads < idleReads || f.isLetGo()) {
        return false;
      }
    }
    return true;
  }

  boolean anySleeping() {
    for (TailedFile f : files) {
      if (f.sleeping) {
        return true;
      }
    }
    return false;
  }

  /** Put to sleep: each file read once more (a write before the directory's watch began gave no event), then not. */
  void sleep(long now) {
    for (TailedFile f : files) {
      f.sleeping = true;
      f.nextReadNanos = now;
    }
  }

  /** Woken by a write: every file is read again at once. */
  void wake() {
    for (TailedFile f : files) {
      f.sleeping = false;
      f.idleReads = 0;
      f.nextReadNanos = 0;
    }
  }
}

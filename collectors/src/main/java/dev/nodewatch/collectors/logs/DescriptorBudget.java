package dev.nodewatch.collectors.logs;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps at most {@code logs.max_open_files} tailed files open: the longest-idle live files that are at their end
 * are parked (closed), and looked at by size until they grow. A file being drained, or with unread bytes, keeps
 * its descriptor, so the limit may be passed for a while, never data lost for it.
 */
final class DescriptorBudget {

  private static final Logger log = LoggerFactory.getLogger(DescriptorBudget.class);

  private final int maxOpen;

  DescriptorBudget(int maxOpen) {
    this.maxOpen = maxOpen;
  }

  static int open(Collection<TailedFile> files) {
    int open = 0;
    for (TailedFile f : files) {
      open += f.isOpen() ? 1 : 0;
    }
    return open;
  }

  boolean exceeded(int open) {
    return open > maxOpen;
  }

  /** Parks the longest-idle files at their end until at most the limit are open; {@code keep} stays open. */
  void makeRoom(Collection<TailedFile> files, TailedFile keep) {
    int open = open(files);
    if (open <= maxOpen) {
      return;
    }
    List<TailedFile> idle = files.stream()
        .filter(f -> f != keep && f.isOpen() && !f.isLetGo() && atEnd(f))
        .sorted(Comparator.comparingLong(f -> f.lastActiveNanos))
        .limit(open - maxOpen)
        .toList();
    for (TailedFile file : idle) {
      try {
        file.park();
      } catch (IOException e) {
        log.debug("closing {}", file.realPath, e); // closed all the same: the descriptor is released
      }
    }
  }

  /** A parked file's size, looked at now and then: grown (or gone from its path), it wants a descriptor again. */
  static void lookAtParked(TailedFile file) {
    if (file.isOpen()) {
      return;
    }
    try {
      file.parkedAt(Files.size(file.realPath));
    } catch (IOException e) {
      file.lostItsPath(); // rotated or deleted: found by inode when opened again
    }
  }

  private static boolean atEnd(TailedFile file) {
    try {
      return file.readOffset >= file.input.size();
    } catch (IOException e) {
      return false;
    }
  }
}

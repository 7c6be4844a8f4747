package dev.nodewatch.collectors.queue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a queue made with longer files by an older version to {@link LogQueue#ROLL_CYCLE} files. Chronicle keeps a
 * queue's file length for good (it reads it back from the queue's metadata), so the move makes a new queue: only
 * when no sink is owed a record of the old one, carrying over the file positions (where each log file was read to,
 * which files are finished). Until then the old queue is used as it is, and the move is tried at the next start.
 *
 * <p>The new queue is made beside the old one and swapped in by two renames; a start that finds the work of one
 * interrupted by a crash finishes it, or begins again.
 */
final class QueueCycleMigration {

  private static final Logger log = LoggerFactory.getLogger(QueueCycleMigration.class);

  /** Opens a queue in a directory, with the caller's settings. */
  interface Opener {
    LogQueue open(Path dir) throws IOException;
  }

  private QueueCycleMigration() {}

  static LogQueue open(Path dir, Collection<String> sinks, Opener opener) throws IOException {
    Path next = dir.resolveSibling(dir.getFileName() + ".next");
    Path old = dir.resolveSibling(dir.getFileName() + ".old");
    finishInterrupted(dir, next, old);
    LogQueue queue = opener.open(dir);
    int length = queue.fileLengthMillis();
    if (length == LogQueue.ROLL_CYCLE.lengthInMillis()) {
      return queue;
    }
    List<String> owed;
    try {
      owed = sinks.stream().filter(name -> queue.reader(name).owesRecords()).toList();
    } catch (RuntimeException e) {
      queue.close();
      throw e;
    }
    if (!owed.isEmpty()) {
      log.info("the queue in {} has files of {} s (made by an older version); it moves to files of {} s at the first "
          + "start when no sink is owed a record of it (now: {})", dir, length / 1000,
          LogQueue.ROLL_CYCLE.lengthInMillis() / 1000, String.join(", ", owed));
      return queue;
    }
    List<FilePosition> positions = queue.recoveredPositions();
    boolean used = queue.lastIndex() >= 0;
    queue.close();
    LogQueue made = opener.open(next);
    try {
      if (used) {
        made.appendPositions(positions); // the new queue is not a first start: rotated files are still drained
      }
    } finally {
      made.close();
    }
    Files.move(dir, old, StandardCopyOption.ATOMIC_MOVE);
    Files.move(next, dir, StandardCopyOption.ATOMIC_MOVE);
    deleteTree(old);
    log.info("the queue in {} moved from files of {} s to files of {} s, with the positions of {} log files", dir,
        length / 1000, LogQueue.ROLL_CYCLE.lengthInMillis() / 1000, positions.size());
    return opener.open(dir);
  }

  /**
   * After a crash during a move: with the queue renamed away, the new one (complete: it is renamed only once
   * closed) takes its place; with the queue still there, a half-made new one is dropped. A renamed-away old queue
   * goes in either case.
   */
  private static void finishInterrupted(Path dir, Path next, Path old) throws IOException {
    if (!Files.exists(dir) && Files.isDirectory(next) && Files.isDirectory(old)) {
      Files.move(next, dir, StandardCopyOption.ATOMIC_MOVE);
    }
    if (Files.exists(next)) {
      deleteTree(next);
    }
    if (Files.exists(old)) {
      deleteTree(old);
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}

package dev.nodewatch.collectors.queue;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import net.openhft.chronicle.queue.RollCycle;

/**
 * The queue's roll-cycle files on disk ({@code 20261125-1655V.cq4}): their total size, and deleting those before a
 * cycle. Open-source Chronicle Queue has no retention of its own; the cycle is read back from the file name with
 * the roll cycle's own date format.
 */
final class CycleFiles {

  private static final String SUFFIX = ".cq4";

  private final Path dir;
  private final RollCycle rollCycle;
  private final DateTimeFormatter format;

  CycleFiles(Path dir, RollCycle rollCycle) {
    this.dir = dir;
    this.rollCycle = rollCycle;
    this.format = DateTimeFormatter.ofPattern(rollCycle.format()).withZone(ZoneOffset.UTC);
  }

  /** The cycle a file holds, or -1 for a file that is not a cycle file. */
  int cycleOf(Path file) {
    String name = file.getFileName().toString();
    if (!name.endsWith(SUFFIX)) {
      return -1;
    }
    try {
      long millis = LocalDateTime.parse(name.substring(0, name.length() - SUFFIX.length()), format)
          .toInstant(ZoneOffset.UTC).toEpochMilli();
      return (int) ((millis - rollCycle.defaultEpoch()) / rollCycle.lengthInMillis());
    } catch (DateTimeParseException e) {
      return -1;
    }
  }

  /** A plain suffix test: a glob would be compiled to a regular expression on every call (once a second). */
  private static boolean isCycleFile(Path file) {
    return file.getFileName().toString().endsWith(SUFFIX);
  }

  long bytes() throws IOException {
    long total = 0;
    try (DirectoryStream<Path> list = Files.newDirectoryStream(dir, CycleFiles::isCycleFile)) {
      for (Path file : list) {
        try {
          total += Files.size(file);
        } catch (NoSuchFileException deletedMeanwhile) {
          // retention on another thread, or an operator: it holds nothing any more
        }
      }
    }
    return total;
  }

  /** Deletes every cycle file older than {@code cycle}; returns how many. */
  int deleteBefore(int cycle) throws IOException {
    int deleted = 0;
    try (DirectoryStream<Path> list = Files.newDirectoryStream(dir, CycleFiles::isCycleFile)) {
      for (Path file : list) {
        int fileCycle = cycleOf(file);
        if (fileCycle >= 0 && fileCycle < cycle && Files.deleteIfExists(file)) {
          deleted++;
        }
      }
    }
    return deleted;
  }
}

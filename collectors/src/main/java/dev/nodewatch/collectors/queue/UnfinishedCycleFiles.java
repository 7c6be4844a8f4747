package dev.nodewatch.collectors.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queue files a process was killed while creating: the file exists, but Chronicle's header, its first document,
 * was never finished (the file is empty, or its first word is zero or still marked not complete). No record can be
 * in such a file, since records follow the header. Left in place, every reader and appender that meets it waits
 * Chronicle's lock timeout (10 s) on its header, over and over: an agent restarted after a SIGKILL at that moment
 * took 35–45 s to start and could not append until Chronicle set the file aside. Opened by one agent at a time, the
 * queue's directory has no other writer, so such a file is deleted before the queue opens.
 */
final class UnfinishedCycleFiles {

  private static final Logger log = LoggerFactory.getLogger(UnfinishedCycleFiles.class);
  /** Chronicle's flag on a document header that is still being written. */
  private static final int NOT_COMPLETE = 0x8000_0000;

  private UnfinishedCycleFiles() {}

  /** Deletes each unfinished {@code *.cq4} in {@code dir}; returns the files deleted. */
  static List<Path> delete(Path dir) throws IOException {
    List<Path> deleted = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return deleted;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".cq4")).sorted().toList()) {
        if (unfinished(file)) {
          Files.delete(file);
          deleted.add(file);
          log.warn("deleted queue file {}: the last run was killed while creating it, before it held any record",
              file);
        }
      }
    }
    return deleted;
  }

  static boolean unfinished(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer first = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder());
      if (channel.read(first, 0) < 4) {
        return true;
      }
      int header = first.getInt(0);
      return header == 0 || (header & NOT_COMPLETE) != 0;
    }
  }
}

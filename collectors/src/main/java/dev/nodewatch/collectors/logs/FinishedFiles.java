package dev.nodewatch.collectors.logs;

import dev.nodewatch.collectors.queue.FilePosition;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The rotated files of each container directory that are done with: read to their end and let go, or left alone
 * on the agent's first start on a node. Kept by content (the fingerprint of their first bytes), since kubelet
 * compresses a rotated file into a new one, and stored with the file positions so a restart knows them too. Kubelet
 * keeps at most a few rotated files per container (containerLogMaxFiles, 5 by default), so each directory keeps
 * its newest {@value #PER_DIRECTORY}; a directory that is gone is forgotten.
 */
final class FinishedFiles {

  static final int PER_DIRECTORY = 16;

  private final Map<Path, Deque<FilePosition>> byDirectory = new HashMap<>();

  void add(Path directory, FilePosition position) {
    Deque<FilePosition> finished = byDirectory.computeIfAbsent(directory, d -> new ArrayDeque<>());
    finished.removeIf(p -> p.file().equals(position.file()));
    finished.addLast(new FilePosition(position.file(), position.path(), position.offset(), true));
    while (finished.size() > PER_DIRECTORY) {
      finished.removeFirst();
    }
  }

  /** Whether content starting with {@code head} is that of a file finished in {@code directory}. */
  boolean contains(Path directory, ByteBuffer head) {
    Deque<FilePosition> finished = byDirectory.get(directory);
    return finished != null && finished.stream().anyMatch(p -> p.file().sameContent(head));
  }

  /** Forgets the directories that no longer exist (the pod was deleted). */
  void pruneMissing() {
    byDirectory.keySet().removeIf(d -> !Files.isDirectory(d));
  }

  List<FilePosition> all() {
    List<FilePosition> all = new ArrayList<>();
    byDirectory.values().forEach(all::addAll);
    return all;
  }
}

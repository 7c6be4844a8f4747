package dev.nodewatch.collectors.logs;

import dev.nodewatch.collectors.queue.FilePosition;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Positions stored by the last run, until the files they belong to are found again: by inode while a file is
 * plain, by content once kubelet compressed it (a {@code .gz} has another inode, but the same first bytes when
 * decompressed). A list, not a map by inode: a freed inode is soon another file's.
 */
final class StoredPositions {

  /** The shortest fingerprint a file is recognised by content with (a CRI line's framing is 40 bytes or so). */
  static final int MIN_PREFIX_BYTES = 64;

  private final List<FilePosition> positions = new ArrayList<>();

  void add(FilePosition position) {
    positions.add(position);
  }

  boolean remove(FilePosition position) {
    return positions.remove(position);
  }

  /** Those never claimed: their files are gone. */
  List<FilePosition> unclaimed() {
    return List.copyOf(positions);
  }

  void clear() {
    positions.clear();
  }

  /**
   * Takes the stored position of the file with this key and first bytes in {@code dir}. A file may have several
   * (an early one with a short fingerprint, later ones): the furthest is taken, and all go. A position counts only
   * when its fingerprint covers the file's start up to the offset (a file stored while still short is not trusted
   * for more), and by content only within the same container directory (two containers' files may well start
   * alike) and only with a fingerprint of at least {@link #MIN_PREFIX_BYTES}.
   *
   * @return the position, or null when none is stored for this file
   */
  FilePosition take(Path dir, FileKey key, ByteBuffer head) {
    FilePosition furthest = null;
    for (Iterator<FilePosition> it = positions.iterator(); it.hasNext(); ) {
      FilePosition position = it.next();
      if (!position.file().coversStartOf(position.offset())) {
        continue;
      }
      // its first bytes as far as they were fingerprinted (the file may have grown since)
      boolean startsAlike = position.file().startsLike(head);
      boolean sameInode = FileKey.of(position.file()).equals(key) && startsAlike;
      boolean sameContent = startsAlike && position.file().fingerprintLength() >= MIN_PREFIX_BYTES
          && dir.equals(Path.of(position.path()).getParent());
      if (sameInode || sameContent) {
        it.remove();
        if (furthest == null || position.offset() > furthest.offset()) {
          furthest = position;
        }
      }
    }
    return furthest;
  }
}

package dev.nodewatch.collectors.logs;

import dev.nodewatch.collectors.queue.FileIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/** Device and inode: what a file is while it exists, whatever its name. */
record FileKey(long device, long inode) {

  /** The file-type bits of st_mode, and the value for a regular file. */
  private static final int S_IFMT = 0170000;
  private static final int S_IFREG = 0100000;

  static FileKey of(FileIdentity identity) {
    return new FileKey(identity.device(), identity.inode());
  }

  /**
   * The file at {@code path} itself, or null when it is not a regular file: one stat for type and identity, so a
   * file renamed between two calls cannot pass for "not a file".
   */
  static FileKey ofRegularFile(Path path) throws IOException {
    Map<String, Object> a = Files.readAttributes(path, "unix:dev,ino,mode", LinkOption.NOFOLLOW_LINKS);
    if ((((Number) a.get("mode")).intValue() & S_IFMT) != S_IFREG) {
      return null;
    }
    return new FileKey(((Number) a.get("dev")).longValue(), ((Number) a.get("ino")).longValue());
  }

  /** The file at {@code path} itself (a symlink is not followed). */
  static FileKey of(Path path) throws IOException {
    Map<String, Object> a = Files.readAttributes(path, "unix:dev,ino", LinkOption.NOFOLLOW_LINKS);
    return new FileKey(((Number) a.get("dev")).longValue(), ((Number) a.get("ino")).longValue());
  }

  /** Where this file is in {@code dir} now (it may have been renamed), or null when it is not there. */
  Path findIn(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.filter(p -> {
        try {
          return of(p).equals(this);
        } catch (IOException e) {
          return false; // gone since the listing: not this file, which is still wherever it is
        }
      }).findFirst().orElse(null);
    } catch (IOException e) {
      return null;
    }
  }
}

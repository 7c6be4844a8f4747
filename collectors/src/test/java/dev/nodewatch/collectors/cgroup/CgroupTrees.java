package dev.nodewatch.collectors.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test helper: builds fake cgroup trees file by file under a temporary directory. */
final class CgroupTrees {

  static final String UID = "1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d";
  static final String UID_ = UID.replace('-', '_');
  static final String UID2 = "99aa88bb-7766-4554-8443-322110ffeedd";
  static final String UID2_ = UID2.replace('-', '_');
  static final String ID = "a".repeat(60) + "0001";
  static final String ID2 = "b".repeat(60) + "0002";

  private CgroupTrees() {}

  static Path write(Path root, String relative, String content) {
    Path file = root.resolve(relative);
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  static Path dir(Path root, String relative) {
    try {
      return Files.createDirectories(root.resolve(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package dev.nodewatch.collectors.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** On real files, renamed, truncated and replaced as kubelet and copytruncate do. */
class FileIdentityTest {

  @TempDir
  Path dir;

  private static FileIdentity identity(Path file) throws Exception {
    try (FileChannel channel = FileChannel.open(file)) {
      return FileIdentity.of(file, channel);
    }
  }

  private static boolean sameStart(FileIdentity identity, Path file) throws Exception {
    try (FileChannel channel = FileChannel.open(file)) {
      return identity.sameStart(channel);
    }
  }

  @Test
  void aRenamedFileIsStillTheSameFile() throws Exception {
    Path log = Files.writeString(dir.resolve("0.log"), "first line\n");
    FileIdentity before = identity(log);
    Path rotated = Files.move(log, dir.resolve("0.log.20240501-123456"));
    Files.writeString(rotated, "second line\n", StandardOpenOption.APPEND);

    FileIdentity after = identity(rotated);
    assertThat(after.sameInode(before)).isTrue();
    assertThat(sameStart(before, rotated)).as("grew, but starts the same").isTrue();
  }

  @Test
  void theNewFileUnderTheOldNameIsAnotherFile() throws Exception {
    Path log = Files.writeString(dir.resolve("0.log"), "old\n");
    FileIdentity old = identity(log);
    Files.move(log, dir.resolve("0.log.1"));
    Files.writeString(dir.resolve("0.log"), "new\n");

    assertThat(identity(dir.resolve("0.log")).sameInode(old)).isFalse();
  }

  @Test
  void aReusedInodeOrACopytruncateIsToldApartByTheFirstBytes() throws Exception {
    Path log = Files.writeString(dir.resolve("0.log"), "x".repeat(300) + "\n");
    FileIdentity first = identity(log);
    assertThat(first.fingerprintLength()).isEqualTo(256);

    Files.writeString(log, "different start " + "y".repeat(300)); // same inode, other content (as after reuse)
    assertThat(identity(log).sameInode(first)).isTrue();
    assertThat(sameStart(first, log)).isFalse();

    Files.writeString(log, "");  // copytruncate
    assertThat(sameStart(first, log)).isFalse();
  }

  @Test
  void aShortFileIsComparedOverWhatItHad() throws Exception {
    Path log = Files.writeString(dir.resolve("0.log"), "short");
    FileIdentity early = identity(log);
    assertThat(early.fingerprintLength()).isEqualTo(5);
    Files.writeString(log, " and longer now\n", StandardOpenOption.APPEND);
    assertThat(sameStart(early, log)).isTrue();
    assertThat(sameStart(identity(Files.writeString(dir.resolve("empty.log"), "")), log))
        .as("an empty file's start matches anything").isTrue();
  }
}

package dev.nodewatch.collectors.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileKeyTest {

  @TempDir
  Path dir;

  @Test
  void aRegularFileHasAKeyADirectoryNoneAndASymlinkIsNotFollowed() throws Exception {
    Path file = Files.writeString(dir.resolve("0.log"), "x\n");
    Path link = Files.createSymbolicLink(dir.resolve("link.log"), file);
    assertThat(FileKey.ofRegularFile(file)).isNotNull();
    assertThat(FileKey.ofRegularFile(Files.createDirectory(dir.resolve("sub.log")))).isNull();
    assertThat(FileKey.ofRegularFile(link)).isNull(); // the link itself: the tailer resolves links first
    assertThat(FileKey.of(link)).isNotEqualTo(FileKey.of(file));
  }

  @Test
  void aRenamedFileIsFoundByItsKeyAndADeletedOneIsNot() throws Exception {
    Path file = Files.writeString(dir.resolve("0.log"), "x\n");
    FileKey key = FileKey.of(file);
    Path rotated = Files.move(file, dir.resolve("0.log.20261203-101500"));
    Files.writeString(dir.resolve("0.log"), "a new file at the old name\n");
    assertThat(key.findIn(dir)).isEqualTo(rotated);
    Files.delete(rotated);
    assertThat(key.findIn(dir)).isNull();
    assertThat(key.findIn(dir.resolve("gone"))).isNull();
  }
}

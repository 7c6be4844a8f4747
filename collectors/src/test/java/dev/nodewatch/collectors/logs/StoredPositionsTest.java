package dev.nodewatch.collectors.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.queue.FileIdentity;
import dev.nodewatch.collectors.queue.FilePosition;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Which stored position a file found after a restart resumes from. */
class StoredPositionsTest {

  private static final Path DIR = Path.of("/var/log/pods/ns_pod_uid/app");
  private static final String CONTENT = PodLogFiles.cri("stdout", 'F', "the first line of the file, long enough");

  private static ByteBuffer head(String content) {
    return ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
  }

  private static FileIdentity identity(long inode, String content) {
    return new FileIdentity(1, inode, 0, 0).refingerprint(head(content));
  }

  @Test
  void aPlainFileIsFoundByInodeAndItsCompressedCopyByContentInTheSameDirectoryOnly() {
    StoredPositions stored = new StoredPositions();
    FilePosition position = new FilePosition(identity(10, CONTENT), DIR.resolve("0.log").toString(), 40);
    stored.add(position);
    assertThat(stored.take(Path.of("/var/log/pods/other_pod_uid/app"), new FileKey(1, 99), head(CONTENT)))
        .as("another container's file that starts alike").isNull();
    assertThat(stored.take(DIR, new FileKey(1, 99), head(CONTENT))).as("the .gz: another inode, same content")
        .isEqualTo(position);
    assertThat(stored.take(DIR, new FileKey(1, 10), head(CONTENT))).as("taken once").isNull();
    stored.add(position);
    assertThat(stored.take(Path.of("/elsewhere"), new FileKey(1, 10), head(CONTENT))).as("same inode")
        .isEqualTo(position);
  }

  @Test
  void aShortFingerprintIsTrustedByInodeOnlyAndOnlyForTheBytesItCovers() {
    StoredPositions stored = new StoredPositions();
    String start = CONTENT.substring(0, 20);
    FilePosition early = new FilePosition(identity(10, start), DIR.resolve("0.log").toString(), 20);
    FilePosition beyond = new FilePosition(identity(11, start), DIR.resolve("1.log").toString(), 30);
    stored.add(early);
    stored.add(beyond);
    assertThat(stored.take(DIR, new FileKey(1, 99), head(CONTENT))).as("too short to know by content").isNull();
    assertThat(stored.take(DIR, new FileKey(1, 10), head(CONTENT))).isEqualTo(early);
    assertThat(stored.take(DIR, new FileKey(1, 11), head(CONTENT)))
        .as("its fingerprint does not cover the start up to its offset").isNull();
    assertThat(stored.unclaimed()).containsExactly(beyond);
  }

  @Test
  void ofSeveralPositionsOfOneFileTheFurthestIsTakenAndAllGo() {
    StoredPositions stored = new StoredPositions();
    FilePosition first = new FilePosition(identity(10, CONTENT), DIR.resolve("0.log").toString(), 40);
    FilePosition later = new FilePosition(identity(10, CONTENT), DIR.resolve("0.log").toString(), 60);
    stored.add(later);
    stored.add(first);
    assertThat(stored.take(DIR, new FileKey(1, 10), head(CONTENT))).isEqualTo(later);
    assertThat(stored.unclaimed()).isEmpty();
  }
}

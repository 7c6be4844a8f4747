package dev.nodewatch.collectors.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tailed file's life on real files: let go, parked, drained. */
class TailedFileTest {

  @TempDir
  Path dir;

  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  @Test
  void aFileLetGoClosesAsSoonAsAnotherTookItsPathAndItIsReadToItsEnd() throws Exception {
    Path live = Files.writeString(dir.resolve("0.log"), "line\n");
    TailedFile file = OpenedFiles.tailed(live, 5, 0);
    file.letGo(0);
    assertThat(file.drain(0).close()).as("still at its path, just now").isFalse();
    Files.move(live, dir.resolve("0.log.20261203-101500"));
    Files.writeString(live, "the runtime reopened\n");
    assertThat(file.drain(0)).isEqualTo(new TailedFile.Drain(true, 0, 0));
  }

  @Test
  void aFileWhoseLinkWentClosesOnceQuietAndOneRenamedWithoutSuccessorWaitsLonger() throws Exception {
    Path live = Files.writeString(dir.resolve("0.log"), "line\n");
    TailedFile file = OpenedFiles.tailed(live, 5, 0);
    file.letGo(0);
    assertThat(file.drain(4 * SECOND).close()).isFalse();
    assertThat(file.drain(6 * SECOND).close()).isTrue(); // same file at its path: the container ended
    TailedFile renamed = OpenedFiles.tailed(Files.writeString(dir.resolve("1.log"), "line\n"), 5, 1);
    renamed.letGo(0);
    Files.move(dir.resolve("1.log"), dir.resolve("1.log.20261203-101500"));
    assertThat(renamed.drain(60 * SECOND).close()).as("the runtime may still write to it").isFalse();
    assertThat(renamed.drain(TailedFile.ORPHAN_CLOSE_NANOS + SECOND).close()).isTrue();
  }

  @Test
  void theFirstPartOfALineWaitsForItsEndAndIsGivenUpOnceAfterThat() throws Exception {
    Path live = Files.writeString(dir.resolve("0.log"), PodLogFiles.cri("stdout", 'P', "half"));
    TailedFile file = OpenedFiles.tailed(live, 0, 0);
    long part = Files.size(live);
    file.readOffset = part;
    file.pendingStart = 0;
    file.letGo(0);
    Files.delete(live);
    assertThat(file.drain(TailedFile.PART_WAIT_NANOS).close()).isFalse();
    TailedFile.Drain drain = file.drain(TailedFile.PART_WAIT_NANOS + SECOND);
    assertThat(drain).isEqualTo(new TailedFile.Drain(true, part, 0));
    assertThat(file.bytesSkipped).isEqualTo(part);
    assertThat(file.skippedWhy).isEqualTo("unfinished");
    assertThat(file.drain(TailedFile.PART_WAIT_NANOS + 2 * SECOND).lostPart()).as("counted once").isZero();
    assertThat(file.bytesSkipped).isEqualTo(part);
  }

  @Test
  void anUnfinishedLastLineIsGivenUpOnlyWhenNothingCanFinishIt() throws Exception {
    Path live = Files.writeString(dir.resolve("0.log"), "complete\nno newline yet");
    TailedFile file = OpenedFiles.tailed(live, 9, 0);
    file.letGo(0);
    assertThat(file.drain(2 * SECOND)).isEqualTo(TailedFile.Drain.KEEP);
    Files.delete(live);
    assertThat(file.drain(2 * SECOND).close()).as("deleted, but only just: a moment more").isFalse();
    assertThat(file.drain(6 * SECOND)).isEqualTo(new TailedFile.Drain(true, 0, "no newline yet".length()));
  }

  @Test
  void aParkedFileWantsItsDescriptorBackWhenItGrowsOrIsLetGo() throws Exception {
    Path live = Files.writeString(dir.resolve("0.log"), "line\n");
    TailedFile file = OpenedFiles.tailed(live, 5, 0);
    file.park();
    assertThat(file.isOpen()).isFalse();
    file.parkedAt(5);
    assertThat(file.wantsOpen()).isFalse();
    file.parkedAt(11);
    assertThat(file.wantsOpen()).isTrue();
    file.parkedAt(5); // still wanted until opened: a round may not get to it at once
    assertThat(file.wantsOpen()).isTrue();
    file.unpark(new PlainInput(java.nio.channels.FileChannel.open(live)));
    assertThat(file.wantsOpen()).isFalse();
    file.park();
    file.letGo(0);
    assertThat(file.isLetGo()).isTrue();
    assertThat(file.wantsOpen()).as("a parked file let go is drained like any other").isTrue();
    file.takenBack();
    assertThat(file.isLetGo()).isFalse();
    file.close();
  }
}

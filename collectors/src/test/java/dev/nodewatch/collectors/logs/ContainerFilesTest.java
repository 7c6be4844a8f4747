package dev.nodewatch.collectors.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.queue.FileIdentity;
import dev.nodewatch.collectors.queue.LogSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One container's files on disk: the order they are read in, and the parts of lines split between them. */
class ContainerFilesTest {

  @TempDir
  Path dir;

  @Test
  void aNewerFileWaitsWhileAnOlderOneHasUnreadBytes() throws Exception {
    TailedFile rotated = OpenedFiles.tailed(Files.writeString(dir.resolve("0.log.20261203-101500"), "a\nb\n"), 0, 5);
    TailedFile live = OpenedFiles.tailed(Files.writeString(dir.resolve("0.log"), "c\n"), 0, 1);
    ContainerFiles container = new ContainerFiles(1 << 20);
    container.add(live); // found first, but kubelet's names say the rotated file is older
    container.add(rotated);
    assertThat(container.waitsForOlder(live)).isTrue();
    assertThat(container.waitsForOlder(rotated)).isFalse();
    rotated.readOffset = 4;
    assertThat(container.waitsForOlder(live)).isFalse();
  }

  @Test
  void aPartStoredWithTheNewerFileMovesTheOlderOnAndAnAbandonedOneTakesItBack() throws Exception {
    TailedFile older = OpenedFiles.tailed(Files.writeString(dir.resolve("0.log.20261203-101500"),
        PodLogFiles.cri("stdout", 'F', "whole") + PodLogFiles.cri("stdout", 'P', "first half ")), 0, 0);
    TailedFile newer = OpenedFiles.tailed(Files.writeString(dir.resolve("0.log"),
        PodLogFiles.cri("stdout", 'F', "second half")), 0, 1);
    ContainerFiles container = new ContainerFiles(1 << 20);
    container.add(older);
    container.add(newer);
    long partStart = PodLogFiles.cri("stdout", 'F', "whole").length();
    older.readOffset = Files.size(older.realPath);
    older.pendingStart = partStart;
    byte[] part = PodLogFiles.cri("stdout", 'P', "first half ").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(container.joiner().accept(new CriLineParser().parse(part, 0, part.length - 1, 0))).isNull();
    assertThat(container.joiner().hasPending()).isTrue();

    container.abandonParts(newer);
    assertThat(older.readOffset).as("read again from its part").isEqualTo(partStart);
    assertThat(older.pendingStart).isEqualTo(-1);
    assertThat(container.joiner().hasPending()).isFalse();

    older.pendingStart = partStart;
    assertThat(container.partsStoredFrom(newer)).isTrue();
    assertThat(older.pendingStart).isEqualTo(-1);
    assertThat(container.partsStoredFrom(newer)).as("nothing more to move").isFalse();
  }

  @Test
  void aRotatedFileTakesTheContainerIdAndLabelsOfTheLinkedFileOfItsStart() throws Exception {
    TailedFile live = OpenedFiles.tailed(Files.writeString(dir.resolve("0.log"), "c\n"), 0, 0);
    live.source = new LogSource(live.identity, live.realPath.toString(), "ns", "pod", "uid", "app", "cid-0", 0,
        Map.of("app", "web"));
    ContainerFiles container = new ContainerFiles(1 << 20);
    container.add(live);
    FileIdentity rotatedId = new FileIdentity(1, 2, 0, 0);
    LogSource own = new LogSource(rotatedId, dir.resolve("0.log.20261203-101500").toString(), "ns", "pod", "uid",
        "app", "", 0, Map.of());
    LogSource named = container.withLinkedDetails(own, LogFileName.parse(dir.resolve("0.log.20261203-101500")));
    assertThat(named.containerId()).isEqualTo("cid-0");
    assertThat(named.labels()).containsEntry("app", "web");
    assertThat(named.file()).isEqualTo(rotatedId);
    LogSource otherStart = container.withLinkedDetails(own, LogFileName.parse(dir.resolve("1.log")));
    assertThat(otherStart).isSameAs(own);
  }

  @Test
  void aContainerSleepsOnlyWhenEveryFileIsQuietAndWakesWhole() throws Exception {
    TailedFile a = OpenedFiles.tailed(Files.writeString(dir.resolve("0.log"), "a\n"), 2, 0);
    TailedFile b = OpenedFiles.tailed(Files.writeString(dir.resolve("1.log"), "b\n"), 2, 1);
    ContainerFiles container = new ContainerFiles(1 << 20);
    container.add(a);
    container.add(b);
    a.idleReads = 9;
    b.idleReads = 3;
    assertThat(container.allQuiet(9)).isFalse();
    b.idleReads = 9;
    assertThat(container.allQuiet(9)).isTrue();
    b.letGo(0);
    assertThat(container.allQuiet(9)).as("a file being drained keeps it awake").isFalse();
    container.sleep(42);
    assertThat(container.anySleeping()).isTrue();
    assertThat(a.nextReadNanos).as("read once more").isEqualTo(42);
    container.wake();
    assertThat(container.anySleeping()).isFalse();
    assertThat(a.idleReads).isZero();
    assertThat(container.remove(a)).isFalse();
    assertThat(container.remove(b)).isTrue();
    a.close();
    b.close();
  }
}

package dev.nodewatch.collectors.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.config.ByteSize;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.LegacyRollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Queues made as an older version made them (one-minute files), opened by this one, on disk. */
class QueueCycleMigrationTest {

  @TempDir
  Path root;

  private final QueueConfig config = new QueueConfig(ByteSize.parse("16MiB"), WhenFull.BLOCK);
  private static final FileIdentity FILE = new FileIdentity(1, 100, 256, 42);
  private static final FilePosition FINISHED = new FilePosition(new FileIdentity(1, 300, 256, 9),
      "/var/log/pods/ns_pod_uid/app/0.log.20261203-101500.gz", 4_000, true);

  private Path olderVersionsQueue() throws Exception {
    Path dir = root.resolve("queue");
    // what an older version left: its metadata names one-minute files, which Chronicle keeps from then on
    SingleChronicleQueueBuilder.binary(dir).rollCycle(LegacyRollCycles.MINUTELY).build().close();
    try (LogQueue queue = LogQueue.open(dir, config, "node-1", 1 << 20)) {
      assertThat(queue.fileLengthMillis()).isEqualTo(60_000);
      LogQueue.Batch batch = queue.batch(new LogSource(FILE, "/var/log/pods/ns_pod_uid/app/0.log", "ns", "pod",
          "uid", "app", "cid", 0, Map.of()));
      batch.add(1_000, false, false, false, 0, "a line");
      queue.append(batch, 70);
      queue.appendPositions(List.of(new FilePosition(FILE, "/var/log/pods/ns_pod_uid/app/0.log", 70), FINISHED));
    }
    return dir;
  }

  private LogQueue openForSinks(Path dir, String... sinks) throws Exception {
    return LogQueue.open(dir, config, "node-1", 1 << 20, List.of(sinks));
  }

  @Test
  void aQueueEverySinkHasReadMovesToShortFilesWithItsPositions() throws Exception {
    Path dir = olderVersionsQueue();
    try (LogQueue queue = LogQueue.open(dir, config, "node-1", 1 << 20)) {
      QueueReader reader = queue.reader("kafka");
      QueueReader.Polled polled = reader.poll(10);
      assertThat(polled.records()).hasSize(1);
      reader.ack(polled.lastIndex());
    }
    try (LogQueue queue = openForSinks(dir, "kafka")) {
      assertThat(queue.fileLengthMillis()).isEqualTo(LogQueue.ROLL_CYCLE.lengthInMillis());
      assertThat(queue.recoveredPositions()).containsExactlyInAnyOrder(
          new FilePosition(FILE, "/var/log/pods/ns_pod_uid/app/0.log", 70), FINISHED);
      assertThat(queue.lastIndex()).isGreaterThanOrEqualTo(0); // not a first start: rotated files are drained
      assertThat(queue.reader("kafka").poll(10).records()).isEmpty(); // the line is not sent again
    }
    assertThat(Files.list(root).map(p -> p.getFileName().toString())).containsExactly("queue");
    try (LogQueue queue = openForSinks(dir, "kafka")) {
      assertThat(queue.fileLengthMillis()).isEqualTo(LogQueue.ROLL_CYCLE.lengthInMillis());
      assertThat(queue.recoveredPositions()).hasSize(2);
    }
  }

  @Test
  void aQueueASinkIsStillOwedIsKeptAsItIs() throws Exception {
    Path dir = olderVersionsQueue();
    try (LogQueue queue = openForSinks(dir, "kafka")) {
      assertThat(queue.fileLengthMillis()).isEqualTo(60_000);
      assertThat(queue.reader("kafka").poll(10).records()).extracting(LogRecord::message).containsExactly("a line");
    }
  }

  @Test
  void aMoveInterruptedAfterTheFirstRenameIsFinished() throws Exception {
    Path dir = olderVersionsQueue();
    Path next = root.resolve("queue.next");
    try (LogQueue made = LogQueue.open(next, config, "node-1", 1 << 20)) {
      made.appendPositions(List.of(FINISHED));
    }
    Files.move(dir, root.resolve("queue.old"));
    try (LogQueue queue = openForSinks(dir, "kafka")) {
      assertThat(queue.fileLengthMillis()).isEqualTo(LogQueue.ROLL_CYCLE.lengthInMillis());
      assertThat(queue.recoveredPositions()).containsExactly(FINISHED);
    }
    assertThat(Files.list(root).map(p -> p.getFileName().toString())).containsExactly("queue");
  }

  @Test
  void aHalfMadeNewQueueIsDroppedAndTheMoveBegunAgain() throws Exception {
    Path dir = olderVersionsQueue();
    Files.createDirectories(root.resolve("queue.next"));
    Files.writeString(root.resolve("queue.next").resolve("metadata.cq4t"), "half written");
    try (LogQueue queue = openForSinks(dir)) { // no sink configured: nobody is owed anything
      assertThat(queue.fileLengthMillis()).isEqualTo(LogQueue.ROLL_CYCLE.lengthInMillis());
      assertThat(queue.recoveredPositions()).hasSize(2);
    }
    assertThat(Files.list(root).map(p -> p.getFileName().toString())).containsExactly("queue");
  }
}

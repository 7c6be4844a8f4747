package dev.nodewatch.collectors.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.config.ByteSize;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real Chronicle queue on disk, closed and reopened as a restart would. */
class LogQueueTest {

  @TempDir
  Path dir;

  private final SetTimeProvider time = new SetTimeProvider(TimeUnit.DAYS.toNanos(20_000)).autoIncrement(0,
      TimeUnit.NANOSECONDS);
  private final QueueConfig config = new QueueConfig(ByteSize.parse("16MiB"), WhenFull.BLOCK);

  private static final FileIdentity FILE_A = new FileIdentity(1, 100, 256, 42);
  private static final FileIdentity FILE_B = new FileIdentity(1, 200, 10, 7);

  private static LogSource source(FileIdentity file) {
    return new LogSource(file, "/var/log/pods/ns_pod_uid/app/0.log", "ns", "pod", "uid", "app", "cid", 0,
        Map.of("app", "web"));
  }

  private LogQueue open() throws Exception {
    return LogQueue.open(dir, config, "node-1", 1 << 20, time);
  }

  private static void append(LogQueue queue, FileIdentity file, long firstOffset, int lines) {
    LogQueue.Batch batch = queue.batch(source(file));
    for (int i = 0; i < lines; i++) {
      batch.add(1_000L + i, i % 2 == 1, false, false, firstOffset + i * 10L, "line " + (firstOffset / 10 + i));
    }
    queue.append(batch, firstOffset + lines * 10L);
  }

  @Test
  void recordsComeBackWithTheirSourceAndEveryField() throws Exception {
    try (LogQueue queue = open()) {
      LogQueue.Batch batch = queue.batch(source(FILE_A));
      batch.add(123_456_789L, true, true, false, 77, "héllo ☃ \uD83D\uDE00");
      queue.append(batch, 90);
      List<LogRecord> records = queue.reader("sink").poll(100).records();
      assertThat(records).containsExactly(new LogRecord(123_456_789L, "stderr", "héllo ☃ \uD83D\uDE00", true, false,
          77, source(FILE_A), "node-1"));
    }
  }

  @Test
  void aBatchTakesLinesUntilItsDocumentIsFullAndCutsOnlyALineThatFitsNowhere() throws Exception {
    try (LogQueue queue = open()) {
      String large = "a".repeat(600_000);
      LogQueue.Batch batch = queue.batch(source(FILE_A));
      assertThat(batch.add(1, false, false, false, 0, large)).isTrue();
      assertThat(batch.add(2, false, false, false, 1, large)).isFalse(); // would pass the 1 MiB document limit
      queue.append(batch, 1);
      LogQueue.Batch alone = queue.batch(source(FILE_A));
      assertThat(alone.add(3, false, false, false, 1, "é".repeat(1 << 20))).isTrue(); // 2 MiB of UTF-8
      queue.append(alone, 2);
      List<LogRecord> records = queue.reader("r").poll(10).records();
      assertThat(records).hasSize(2);
      assertThat(records.get(0).message()).isEqualTo(large);
      LogRecord cut = records.get(1);
      assertThat(cut.truncated()).isTrue();
      assertThat(cut.message().length()).isBetween(((1 << 20) - 4096) / 2, (1 << 20) / 2);
      assertThat(cut.message()).matches("é+"); // cut between characters, not inside one
    }
  }

  @Test
  void documentsOfAQueueMadeForLongerLinesAreReadWithTheSmallerBlocksOfShorterOnes() throws Exception {
    // an agent upgraded from the 1 MiB default (4 MiB blocks) to 256 KiB (1 MiB blocks) on the same data directory:
    // its 1 MiB documents straddle the new blocks, and must still be read, eagerly and lazily
    String[] large = {"a".repeat(900_000), "b".repeat(700_000), "c".repeat(950_000)};
    try (LogQueue queue = LogQueue.open(dir, config, "node-1", 1 << 20, time)) {
      for (int i = 0; i < large.length; i++) {
        LogQueue.Batch batch = queue.batch(source(FILE_A));
        batch.add(i, false, false, false, i, large[i]);
        queue.append(batch, i + 1);
      }
    }
    try (LogQueue queue = LogQueue.open(dir, config, "node-1", 256 * 1024, time)) {
      assertThat(queue.reader("eager").poll(10).records()).extracting(LogRecord::message).containsExactly(large);
      try (QueueRereader rereader = queue.reader("lazy").rereader()) {
        List<LogRecord> lazy = queue.reader("lazy").poll(10, Long.MAX_VALUE, rereader).records();
        assertThat(lazy).extracting(LogRecord::message).containsExactly(large);
      }
    }
  }

  @Test
  void positionsAfterRestartAreTheLastSnapshotUpdatedByLaterBatches() throws Exception {
    try (LogQueue queue = open()) {
      assertThat(queue.recoveredPositions()).isEmpty();
      append(queue, FILE_A, 0, 5);
      queue.appendPositions(List.of(new FilePosition(FILE_A, "a", 50), new FilePosition(FILE_B, "b", 999)));
      append(queue, FILE_A, 50, 3);
    }
    try (LogQueue queue = open()) {
      assertThat(queue.recoveredPositions()).containsExactlyInAnyOrder(
          new FilePosition(FILE_A, "/var/log/pods/ns_pod_uid/app/0.log", 80), new FilePosition(FILE_B, "b", 999));
    }
  }

  @Test
  void aReaderResumesAfterItsLastAcknowledgementNotItsLastPoll() throws Exception {
    try (LogQueue queue = open()) {
      for (int i = 0; i < 4; i++) {
        append(queue, FILE_A, i * 100L, 10);
      }
      QueueReader probe = queue.reader("probe");
      assertThat(probe.poll(15).records()).hasSize(10); // the next document would pass 15: it waits
      assertThat(probe.poll(5).records()).hasSize(10); // one document larger than the limit comes alone
      QueueReader reader = queue.reader("kafka");
      QueueReader.Polled first = reader.poll(10);
      assertThat(first.records()).hasSize(10);
      reader.ack(first.lastIndex());
      assertThat(reader.poll(10).records()).hasSize(10); // handed out, never acknowledged
      assertThat(reader.lagDocuments()).isEqualTo(3);
    }
    try (LogQueue queue = open()) {
      QueueReader reader = queue.reader("kafka");
      List<String> messages = new ArrayList<>();
      reader.poll(1000).records().forEach(r -> messages.add(r.message()));
      assertThat(messages).hasSize(30).startsWith("line 10").endsWith("line 39");
      // another reader has its own position
      assertThat(queue.reader("file").poll(1000).records()).hasSize(40);
    }
  }

  @Test
  void aReaderWhoseCommittedDocumentCannotBeFoundResumesAtTheNextOneNeverAtTheStart() throws Exception {
    try (LogQueue queue = open()) {
      QueueReader reader = queue.reader("clickhouse");
      append(queue, FILE_A, 0, 10);
      append(queue, FILE_A, 100, 10);
      long lastOfCycle = reader.poll(1000).lastIndex();
      time.advanceMillis(LogQueue.ROLL_CYCLE.lengthInMillis());
      append(queue, FILE_A, 200, 10);
      // a committed index Chronicle cannot move to: past the last document of its cycle
      reader.ack(lastOfCycle + 5);
    }
    try (LogQueue queue = open()) {
      QueueReader reader = queue.reader("clickhouse");
      QueueReader.Polled polled = reader.poll(1000);
      assertThat(polled.records()).extracting(LogRecord::message).hasSize(10).startsWith("line 20");
      queue.maintain();
      assertThat(reader.lagEvents()).isEqualTo(10);
      reader.ack(polled.lastIndex());
      queue.maintain();
      assertThat(reader.lagEvents()).isZero();
      assertThat(reader.lagBytes()).isZero();
    }
  }

  @Test
  void lagCountsOnlyWhatIsNotAcknowledgedAcrossRestartsAndCycles() throws Exception {
    for (int run = 0; run < 3; run++) {
      try (LogQueue queue = open()) {
        QueueReader reader = queue.reader("sink");
        append(queue, FILE_A, run * 1000L, 10);
        time.advanceMillis(LogQueue.ROLL_CYCLE.lengthInMillis());
        append(queue, FILE_A, run * 1000L + 100, 10);
        queue.maintain();
        assertThat(reader.lagEvents()).isEqualTo(20);
        QueueReader.Polled polled = reader.poll(15);
        reader.ack(polled.lastIndex());
        queue.maintain();
        assertThat(reader.lagEvents()).isEqualTo(10);
        reader.ack(reader.poll(1000).lastIndex());
        queue.maintain();
        assertThat(reader.lagEvents()).isZero();
        assertThat(reader.lagBytes()).isZero();
        assertThat(reader.lagDocuments()).isZero();
      }
    }
  }

  @Test
  void retentionDeletesOnlyCyclesEveryReaderHasPassed() throws Exception {
    try (LogQueue queue = open()) {
      QueueReader fast = queue.reader("fast");
      QueueReader slow = queue.reader("slow");
      List<Long> lastIndexOfCycle = new ArrayList<>();
      for (int cycle = 0; cycle < 4; cycle++) {
        append(queue, FILE_A, cycle * 100L, 10);
        lastIndexOfCycle.add(queue.lastIndex());
        time.advanceMillis(LogQueue.ROLL_CYCLE.lengthInMillis());
      }
      append(queue, FILE_A, 400, 1);
      assertThat(cycleFiles()).isEqualTo(5);

      fast.ack(queue.lastIndex());
      slow.ack(lastIndexOfCycle.get(1)); // slow has passed the second cycle, not the third
      assertThat(queue.maintain()).isEqualTo(2);
      assertThat(cycleFiles()).isEqualTo(3);
      // what slow has not acknowledged is still there for it
      assertThat(slow.poll(1000).records()).extracting(LogRecord::message).startsWith("line 20").hasSize(21);

      slow.ack(queue.lastIndex());
      queue.maintain();
      assertThat(cycleFiles()).isEqualTo(1);
      assertThat(queue.deletedFiles()).isEqualTo(4);
      assertThat(fast.lagDocuments()).isZero();
    }
  }

  @Test
  void maxAgeExpiresOldFilesEvenIfAReaderHasNotReadThem() throws Exception {
    QueueConfig aged = new QueueConfig(ByteSize.parse("16MiB"), WhenFull.BLOCK, java.time.Duration.ofMinutes(2));
    try (LogQueue queue = LogQueue.open(dir, aged, "node-1", 1 << 20, time)) {
      QueueReader stuck = queue.reader("stuck");
      for (int cycle = 0; cycle < 5; cycle++) {
        append(queue, FILE_A, cycle * 100L, 10);
        queue.appendPositions(List.of(new FilePosition(FILE_A, "a", cycle * 100L + 100)));
        queue.maintain(); // counts each cycle into the reader's lag before it expires
        time.advanceMillis(60_000); // a minute per round: max_age counts in wall time, not in files
      }
      queue.maintain();
      assertThat(queue.expiredFiles()).isEqualTo(3); // cycles that ended 3 minutes ago or earlier
      assertThat(cycleFiles()).isEqualTo(2);
      // what expired is no longer owed: the lag (and so the backlog that fills the queue) is what is left
      assertThat(stuck.lagEvents()).isEqualTo(20);
      QueueReader.Polled left = stuck.poll(1000);
      assertThat(left.records()).extracting(LogRecord::message).startsWith("line 30").hasSize(20);
      stuck.ack(left.lastIndex());
      queue.maintain();
      assertThat(stuck.lagEvents()).isZero();
      assertThat(queue.backlogBytes()).isZero();
    }
  }

  @Test
  void aDocumentThatCannotBeDecodedIsPassedAndCountedWithoutLosingTheRecordsAroundIt() throws Exception {
    try (LogQueue queue = open()) {
      QueueReader reader = queue.reader("sink");
      append(queue, FILE_A, 0, 10);
      try (net.openhft.chronicle.queue.impl.single.SingleChronicleQueue raw =
              net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder.binary(dir).timeProvider(time)
                  .rollCycle(LogQueue.ROLL_CYCLE).build();
          net.openhft.chronicle.queue.ExcerptAppender appender = raw.createAppender()) {
        // a batch whose header ends early: what a damaged file would hold
        appender.writeBytes(net.openhft.chronicle.bytes.Bytes.wrapForRead(new byte[] {QueueDocuments.BATCH, 1, 2}));
      }
      append(queue, FILE_A, 100, 10);
      QueueReader.Polled polled = reader.poll(1000);
      assertThat(polled.records()).hasSize(20);
      assertThat(polled.skipped()).singleElement().satisfies(skipped -> {
        assertThat(skipped.document()).containsExactly(QueueDocuments.BATCH, 1, 2); // kept as it is on disk
        assertThat(skipped.error()).isNotBlank();
      });
      assertThat(polled.lastIndex()).isEqualTo(queue.lastIndex());
    }
  }

  @Test
  void theQueueKeepsOneRandomIdentityForItsWholeLife() throws Exception {
    String id;
    try (LogQueue queue = open()) {
      id = queue.id();
      assertThat(id).matches("[0-9a-f]{32}");
      assertThat(queue.reader("sink").queueId()).isEqualTo(id);
    }
    try (LogQueue queue = open()) {
      assertThat(queue.id()).isEqualTo(id);
    }
    try (LogQueue other = LogQueue.open(dir.resolve("other"), config, "node-1", 1 << 20, time)) {
      assertThat(other.id()).isNotEqualTo(id);
    }
  }

  @Test
  void withNoReaderOnlyTheCurrentCycleAndTheNewestPositionsAreKept() throws Exception {
    try (LogQueue queue = open()) {
      queue.appendPositions(List.of(new FilePosition(FILE_A, "a", 5)));
      time.advanceMillis(LogQueue.ROLL_CYCLE.lengthInMillis());
      append(queue, FILE_A, 0, 10);
      time.advanceMillis(LogQueue.ROLL_CYCLE.lengthInMillis());
      append(queue, FILE_A, 100, 10);
      queue.maintain();
      assertThat(cycleFiles()).isEqualTo(3); // the positions' cycle is still needed for a restart
      queue.appendPositions(List.of(new FilePosition(FILE_A, "a", 200)));
      queue.maintain();
      assertThat(cycleFiles()).isEqualTo(1);
    }
    try (LogQueue queue = open()) {
      assertThat(queue.recoveredPositions()).containsExactly(new FilePosition(FILE_A, "a", 200));
    }
  }

  @Test
  void fullWhenTheBacklogReachesMaxBytesAndNotFullOnceTheSinkAcknowledgesIt() throws Exception {
    try (LogQueue queue = open()) {
      QueueReader reader = queue.reader("sink");
      String line = "x".repeat(1000);
      int records = 0;
      while (!queue.full()) {
        LogQueue.Batch batch = queue.batch(source(FILE_A));
        for (int i = 0; i < 100; i++) {
          batch.add(1, false, false, false, i, line);
        }
        queue.append(batch, 100);
        records += 100;
        queue.maintain();
      }
      assertThat(queue.backlogBytes()).isGreaterThanOrEqualTo(config.maxBytes().bytes());
      assertThat(reader.lagEvents()).isEqualTo(records);
      reader.ack(queue.lastIndex());
      queue.maintain();
      // the acknowledged records are still in the current five-minute file, but no longer hold the tailer back
      assertThat(queue.bytesOnDisk()).isGreaterThanOrEqualTo(config.maxBytes().bytes());
      assertThat(queue.full()).isFalse();
      assertThat(reader.lagEvents()).isZero();
      assertThat(reader.lagBytes()).isZero();
    }
  }

  private long cycleFiles() throws Exception {
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(p -> p.toString().endsWith(".cq4")).count();
    }
  }
}

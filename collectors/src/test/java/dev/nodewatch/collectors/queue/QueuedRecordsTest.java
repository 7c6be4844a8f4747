package dev.nodewatch.collectors.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodewatch.collectors.config.ByteSize;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records polled to be read later, against a real queue: the same records as a poll that decodes them at once. */
class QueuedRecordsTest {

  @TempDir
  Path dir;

  private final SetTimeProvider time = new SetTimeProvider(TimeUnit.DAYS.toNanos(20_000)).autoIncrement(0,
      TimeUnit.NANOSECONDS);

  private LogQueue open(Duration maxAge) throws Exception {
    return LogQueue.open(dir, new QueueConfig(ByteSize.parse("16MiB"), WhenFull.BLOCK, maxAge), "node-1", 1 << 20,
        time);
  }

  private static LogSource source(int file) {
    return new LogSource(new FileIdentity(1, file, 256, 42), "/var/log/pods/ns_pod_uid/app/" + file + ".log", "ns",
        "pod", "uid", "app", "cid", 0, Map.of("app", "web"));
  }

  private static void append(LogQueue queue, int file, int lines) {
    LogQueue.Batch batch = queue.batch(source(file));
    for (int i = 0; i < lines; i++) {
      batch.add(1_000L + i, i % 3 == 0, i % 5 == 0, i % 7 == 0, i * 10L, "file " + file + " line " + i);
    }
    queue.append(batch, lines * 10L);
  }

  @Test
  void readInAnyOrderTheyAreTheRecordsAPollDecodesAtOnce() throws Exception {
    try (LogQueue queue = open(null); QueueRereader rereader = queue.reader("lazy").rereader()) {
      append(queue, 1, 30);
      queue.appendPositions(List.of(new FilePosition(source(1).file(), "a", 300))); // not records: left out
      append(queue, 2, 1);
      append(queue, 3, 45);
      QueueReader.Polled eager = queue.reader("eager").poll(1000);
      QueueReader.Polled lazy = queue.reader("lazy").poll(1000, Long.MAX_VALUE, rereader);

      assertThat(lazy.records()).isInstanceOf(QueuedRecords.class).hasSize(76);
      assertThat(lazy.firstIndex()).isEqualTo(eager.firstIndex());
      assertThat(lazy.lastIndex()).isEqualTo(eager.lastIndex());
      assertThat(new ArrayList<>(lazy.records())).isEqualTo(eager.records()); // in order
      List<LogRecord> backwards = new ArrayList<>();
      for (int i = lazy.records().size() - 1; i >= 0; i--) {
        backwards.add(lazy.records().get(i));
      }
      List<LogRecord> reversed = new ArrayList<>(eager.records());
      java.util.Collections.reverse(reversed);
      assertThat(backwards).isEqualTo(reversed);
      assertThat(lazy.records().get(40)).isSameAs(lazy.records().get(40)).isEqualTo(eager.records().get(40));
      List<LogRecord> part = lazy.records().subList(20, 70).subList(5, 20); // across all three documents
      assertThat(part).isInstanceOf(QueuedRecords.class).isEqualTo(eager.records().subList(25, 40));
      assertThat(((QueuedRecords) lazy.records()).storedBytes()).isPositive();
      assertThat(((QueuedRecords) part).storedBytes()).isEqualTo(-1);
      assertThatThrownBy(() -> part.get(15)).isInstanceOf(IndexOutOfBoundsException.class);
    }
  }

  @Test
  void aDamagedDocumentIsSetAsideByThePollNotMetWhenItsRecordsAreRead() throws Exception {
    try (LogQueue queue = open(null); QueueRereader rereader = queue.reader("lazy").rereader()) {
      append(queue, 1, 10);
      try (SingleChronicleQueue raw = SingleChronicleQueueBuilder.binary(dir).timeProvider(time)
              .rollCycle(LogQueue.ROLL_CYCLE).build();
          ExcerptAppender appender = raw.createAppender()) {
        // a whole header and one line, but an end saying there are three
        Bytes<byte[]> damaged = Bytes.allocateElasticOnHeap(256);
        QueueDocuments.startBatch(damaged, source(9));
        damaged.writeLong(1).writeByte((byte) 0).writeStopBit(0).writeStopBit(3).write(new byte[] {'a', 'b', 'c'});
        QueueDocuments.endBatch(damaged, 10, 3);
        appender.writeBytes(damaged);
      }
      append(queue, 2, 10);
      QueueReader.Polled eager = queue.reader("eager").poll(1000);
      QueueReader.Polled lazy = queue.reader("lazy").poll(1000, Long.MAX_VALUE, rereader);

      assertThat(eager.skipped()).hasSize(1);
      assertThat(lazy.skipped()).singleElement().satisfies(skipped -> {
        assertThat(skipped.index()).isEqualTo(eager.skipped().get(0).index());
        assertThat(skipped.document()).isEqualTo(eager.skipped().get(0).document());
        assertThat(skipped.error()).isNotBlank();
      });
      assertThat(new ArrayList<>(lazy.records())).hasSize(20).isEqualTo(eager.records());
    }
  }

  @Test
  void aDocumentDeletedByMaxAgeBeforeItWasReadSaysSo() throws Exception {
    try (LogQueue queue = open(Duration.ofMinutes(2)); QueueRereader rereader = queue.reader("slow").rereader()) {
      append(queue, 1, 10);
      time.advanceMillis(6_000); // the next cycle file
      append(queue, 2, 10);
      QueueReader.Polled polled = queue.reader("slow").poll(1000, Long.MAX_VALUE, rereader);
      assertThat(polled.records()).hasSize(20);
      assertThat(polled.records().get(15).message()).isEqualTo("file 2 line 5");

      time.advanceMillis(TimeUnit.MINUTES.toMillis(3));
      append(queue, 3, 1); // a new cycle, so the old ones are closed and old enough to expire
      queue.maintain();
      assertThat(queue.expiredFiles()).isPositive();

      assertThat(polled.records().get(12).message()).as("the document read last is a copy: still there")
          .isEqualTo("file 2 line 2");
      assertThatThrownBy(() -> polled.records().get(0)).isInstanceOf(QueueRereader.QueueDocumentGone.class)
          .hasMessageContaining("queue.max_age");
    }
  }
}

package dev.nodewatch.collectors.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.config.ByteSize;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lag a reader keeps from the queue's appends and its own polls, against a real queue: it must be what walking
 * the queue from the committed index finds, whatever the order of appends, positions documents, polls,
 * acknowledgements (also of documents never polled), file rolls and restarts.
 */
class ReaderLagTest {

  @TempDir
  Path dir;

  private final SetTimeProvider time = new SetTimeProvider(TimeUnit.DAYS.toNanos(20_000)).autoIncrement(0,
      TimeUnit.NANOSECONDS);
  private static final FileIdentity FILE = new FileIdentity(1, 100, 256, 42);
  private static final LogSource SOURCE = new LogSource(FILE, "/var/log/pods/ns_pod_uid/app/0.log", "ns", "pod",
      "uid", "app", "cid", 0, Map.of());

  /** Every batch appended, in order: its index and its records. */
  private final List<long[]> batches = new ArrayList<>();
  private long offset;

  private LogQueue open() throws Exception {
    return LogQueue.open(dir, new QueueConfig(ByteSize.parse("64MiB"), WhenFull.BLOCK), "node-1", 1 << 20, time);
  }

  private void append(LogQueue queue, int lines, Random random) {
    LogQueue.Batch batch = queue.batch(SOURCE);
    for (int i = 0; i < lines; i++) {
      batch.add(1_000L + i, false, false, false, offset, "x".repeat(1 + random.nextInt(300)));
      offset += 10;
    }
    queue.append(batch, offset);
    batches.add(new long[] {queue.appendedTotals().lastIndex(), lines});
  }

  private long owedRecords(QueueReader reader) {
    long committed = reader.committedIndex();
    return batches.stream().filter(b -> b[0] > committed).mapToLong(b -> b[1]).sum();
  }

  /** What a reader starting now would count: a walk of the queue from the committed index. */
  private static long walkedBytes(LogQueue queue, QueueReader reader) {
    ReaderLag walked = new ReaderLag(reader, queue::appendedTotals);
    walked.refresh();
    return walked.bytes();
  }

  private void assertLagIsWhatIsOwed(LogQueue queue, QueueReader reader) throws Exception {
    queue.maintain();
    assertThat(reader.lagEvents()).as("records owed").isEqualTo(owedRecords(reader));
    assertThat(reader.lagBytes()).as("bytes owed").isEqualTo(walkedBytes(queue, reader));
  }

  @Test
  void theLagKeptWithoutWalkingIsWhatAWalkOfTheQueueFinds() throws Exception {
    Random random = new Random(7);
    for (int run = 0; run < 3; run++) {
      try (LogQueue queue = open()) {
        QueueReader reader = queue.reader("sink");
        assertLagIsWhatIsOwed(queue, reader); // first round after a restart: counted from the queue
        long polledUpTo = -1;
        for (int step = 0; step < 120; step++) {
          int what = random.nextInt(10);
          if (what < 4) {
            append(queue, 1 + random.nextInt(60), random);
          } else if (what == 4) {
            queue.appendPositions(List.of(new FilePosition(FILE, "a", offset)));
          } else if (what < 7) {
            QueueReader.Polled polled = reader.poll(1 + random.nextInt(100));
            if (!polled.isEmpty()) {
              polledUpTo = polled.lastIndex();
            }
            if (random.nextBoolean() && polledUpTo > 0) {
              reader.ack(polledUpTo);
            }
          } else if (what == 7) {
            time.advanceMillis(LogQueue.ROLL_CYCLE.lengthInMillis()); // the next append starts a new file
          } else if (what == 8 && random.nextInt(4) == 0 && queue.lastIndex() > 0) {
            reader.ack(queue.lastIndex()); // acknowledged what no poll passed (as a tool might)
          } else {
            assertLagIsWhatIsOwed(queue, reader);
          }
        }
        assertLagIsWhatIsOwed(queue, reader);
      }
    }
  }

  @Test
  void documentsAcknowledgedBeforeTheFirstPollAreNoLongerOwed() throws Exception {
    Random random = new Random(5);
    try (LogQueue queue = open()) {
      QueueReader reader = queue.reader("sink");
      for (int i = 0; i < 20; i++) {
        append(queue, 10, random);
      }
      assertLagIsWhatIsOwed(queue, reader);
      assertThat(reader.lagEvents()).isEqualTo(200);
      reader.ack(batches.get(batches.size() - 1)[0]); // a restart's stored position, or a tool's
      append(queue, 5, random);
      reader.ack(reader.poll(1000).lastIndex()); // the first poll starts after what was acknowledged
      assertLagIsWhatIsOwed(queue, reader);
      assertThat(reader.lagEvents()).isZero();
    }
  }

  @Test
  void aReaderPollingFarAheadOfMaintenanceCountsFromTheQueueAgain() throws Exception {
    Random random = new Random(3);
    try (LogQueue queue = open()) {
      QueueReader reader = queue.reader("sink");
      assertLagIsWhatIsOwed(queue, reader);
      for (int i = 0; i < ReaderLag.MAX_NOTES + 100; i++) {
        append(queue, 1, random);
      }
      while (!reader.poll(1000).isEmpty()) {
        // more documents passed than notes are kept: the last 100 have none
      }
      reader.ack(batches.get(ReaderLag.MAX_NOTES - 1)[0]);
      assertLagIsWhatIsOwed(queue, reader);
      assertThat(reader.lagEvents()).isEqualTo(100);
      append(queue, 5, random);
      reader.ack(reader.poll(1000).lastIndex()); // noted again: the 100 in between must not stay owed
      assertLagIsWhatIsOwed(queue, reader);
      assertThat(reader.lagEvents()).isZero();
    }
  }
}

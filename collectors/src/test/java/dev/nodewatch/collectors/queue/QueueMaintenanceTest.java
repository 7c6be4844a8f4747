package dev.nodewatch.collectors.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.config.ByteSize;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retention and lag on the queue's own thread, while another thread appends. */
class QueueMaintenanceTest {

  @TempDir
  Path dir;

  private final SetTimeProvider time = new SetTimeProvider(TimeUnit.DAYS.toNanos(20_000)).autoIncrement(0,
      TimeUnit.NANOSECONDS);

  private static void append(LogQueue queue, int lines) {
    FileIdentity file = new FileIdentity(1, 100, 256, 42);
    LogQueue.Batch batch = queue.batch(new LogSource(file, "/var/log/pods/ns_p_u/c/0.log", "ns", "p", "u", "c", "id",
        0, Map.of()));
    for (int i = 0; i < lines; i++) {
      batch.add(i, false, false, false, i, "line " + i);
    }
    queue.append(batch, lines);
  }

  private long cycleFiles() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".cq4")).count();
    }
  }

  @Test
  void acknowledgedFilesGoAndLagIsMeasuredWithoutTheAppenderDoingIt() throws Exception {
    QueueConfig config = new QueueConfig(ByteSize.parse("16MiB"), WhenFull.BLOCK);
    try (LogQueue queue = LogQueue.open(dir, config, "node", 1 << 20, time)) {
      QueueReader reader = queue.reader("sink");
      QueueMaintenance maintenance = new QueueMaintenance(queue);
      maintenance.start();
      try {
        for (int cycle = 0; cycle < 3; cycle++) {
          append(queue, 100);
          time.advanceMillis(LogQueue.ROLL_CYCLE.lengthInMillis());
        }
        append(queue, 10);
        assertThat(cycleFiles()).isEqualTo(4);
        awaitTrue(() -> reader.lagEvents() == 310);
        QueueReader.Polled polled = reader.poll(10_000);
        reader.ack(polled.lastIndex());
        // what every reader passed goes, but never the file the appender writes to
        awaitTrue(() -> reader.lagEvents() == 0 && queue.deletedFiles() == 3);
        assertThat(cycleFiles()).isEqualTo(1);
        append(queue, 5); // the appender goes on in the file that was kept
        awaitTrue(() -> reader.lagEvents() == 5);
        assertThat(reader.poll(100).records()).hasSize(5);
      } finally {
        maintenance.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void stopWithoutStartIsFine() throws Exception {
    QueueConfig config = new QueueConfig(ByteSize.parse("16MiB"), WhenFull.BLOCK);
    try (LogQueue queue = LogQueue.open(dir, config, "node", 1 << 20, time)) {
      new QueueMaintenance(queue).stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("timed out").isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}

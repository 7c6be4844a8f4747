package dev.nodewatch.collectors.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.config.ByteSize;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A queue whose last writer was killed while creating a queue file (the file there, its header never finished). */
class UnfinishedCycleFilesTest {

  @TempDir
  Path dir;

  private final QueueConfig config = new QueueConfig(ByteSize.parse("16MiB"), WhenFull.BLOCK);
  private final LogSource source = new LogSource(new FileIdentity(1, 100, 256, 42),
      "/var/log/pods/ns_pod_uid/app/0.log", "ns", "pod", "uid", "app", "cid", 0, Map.of());

  private void append(LogQueue queue, long offset, String message) {
    LogQueue.Batch batch = queue.batch(source);
    batch.add(1_000 + offset, false, false, false, offset, message);
    queue.append(batch, offset + 10);
  }

  /**
   * @param header what the killed creator left: no bytes, a zero header word, or a header still marked not complete
   */
  @ParameterizedTest
  @ValueSource(strings = {"empty", "zero", "not-complete"})
  void theQueueOpensAtOnceTakesAppendsAndKeepsEveryRecord(String header) throws Exception {
    try (LogQueue queue = LogQueue.open(dir, config, "n", 1 << 20)) {
      append(queue, 0, "before the kill");
    }
    // the files of this and the next few five-second cycles, as a creator killed in the act leaves one
    List<Path> left = new ArrayList<>();
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
    for (int ahead = 0; ahead <= 15; ahead += 5) {
      ZonedDateTime at = now.plusSeconds(ahead);
      Path file = dir.resolve(DateTimeFormatter.ofPattern("yyyyMMdd-HHmm").format(at)
          + "%02d".formatted(at.getSecond() / 5 * 5) + "F.cq4");
      if (!Files.exists(file)) {
        ByteBuffer bytes = ByteBuffer.allocate(header.equals("empty") ? 0 : 4096).order(ByteOrder.nativeOrder());
        if (header.equals("not-complete")) {
          bytes.putInt(0, 0x8000_0000 | 0x4000_0000 | 120);
        }
        Files.write(file, bytes.array());
        left.add(file);
      }
    }
    assertThat(left).isNotEmpty();

    long started = System.nanoTime();
    List<String> read = new ArrayList<>();
    try (LogQueue queue = LogQueue.open(dir, config, "n", 1 << 20)) {
      append(queue, 10, "after the restart");
      QueueReader reader = queue.reader("sink");
      for (QueueReader.Polled polled = reader.poll(100); !polled.isEmpty(); polled = reader.poll(100)) {
        polled.records().forEach(r -> read.add(r.message()));
      }
    }
    // it took 35 s with the files left in place, and the append then failed
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    assertThat(read).containsExactly("before the kill", "after the restart");
    assertThat(left).noneMatch(Files::exists);
  }

  @Test
  void aFinishedFileIsLeftAlone() throws Exception {
    try (LogQueue queue = LogQueue.open(dir, config, "n", 1 << 20)) {
      append(queue, 0, "kept");
    }
    List<Path> files;
    try (var list = Files.list(dir)) {
      files = list.filter(f -> f.toString().endsWith(".cq4")).toList();
    }
    assertThat(files).isNotEmpty().allSatisfy(f -> assertThat(UnfinishedCycleFiles.unfinished(f)).isFalse());
    assertThat(UnfinishedCycleFiles.delete(dir)).isEmpty();
  }
}

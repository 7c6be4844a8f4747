package dev.nodewatch.collectors.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.config.ByteSize;
import dev.nodewatch.collectors.queue.LogQueue;
import dev.nodewatch.collectors.queue.LogRecord;
import dev.nodewatch.collectors.queue.QueueConfig;
import dev.nodewatch.collectors.queue.QueueReader;
import dev.nodewatch.collectors.queue.WhenFull;
import dev.nodewatch.collectors.runtime.RateLimitedLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Reading real files into a real queue: records, positions, lines split across a rotation, copytruncate. */
class LogFileReaderTest {

  @TempDir
  Path root;

  private final TailerStats stats = new TailerStats();
  private final AtomicInteger positionsChanged = new AtomicInteger();
  private final AtomicInteger positionsStored = new AtomicInteger();
  private LogQueue queue;
  private QueueReader sink;
  private LogFileReader reader;
  private Path dir;
  private ContainerFiles container;

  @BeforeEach
  void open() throws Exception {
    queue = LogQueue.open(root.resolve("queue"), new QueueConfig(ByteSize.parse("16MiB"), WhenFull.BLOCK), "node",
        1 << 20);
    sink = queue.reader("sink");
    reader = new LogFileReader(queue, stats, new RateLimitedLog(LoggerFactory.getLogger(getClass()),
        Duration.ofMinutes(1), Clock.systemUTC()), 64 * 1024, positionsChanged::incrementAndGet,
        positionsStored::incrementAndGet);
    dir = Files.createDirectories(root.resolve("pods/ns_pod_uid/app"));
  }

  @AfterEach
  void close() {
    queue.close();
  }

  /** The container's only file, opened at its start. */
  private TailedFile alone(Path log) throws Exception {
    TailedFile file = OpenedFiles.tailed(log, 0, 0);
    container = new ContainerFiles(1 << 20);
    container.add(file);
    return file;
  }

  private List<LogRecord> shipped() {
    return sink.poll(1000).records();
  }

  @Test
  void newLinesGoToTheQueueWithTheirOffsetsAndTheFileMovesPastThem() throws Exception {
    String first = PodLogFiles.cri("stdout", 'F', "one");
    Path log = Files.writeString(dir.resolve("0.log"), first + PodLogFiles.cri("stderr", 'F', "two") + "unfinished");
    TailedFile file = alone(log);
    reader.read(file, container, 0, false);
    assertThat(shipped()).extracting(LogRecord::message, LogRecord::stream, LogRecord::offset)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("one", "stdout", 0L),
            org.assertj.core.groups.Tuple.tuple("two", "stderr", (long) first.length()));
    long complete = Files.size(log) - "unfinished".length();
    assertThat(file.readOffset).as("up to the last complete line").isEqualTo(complete);
    assertThat(file.bytesRead).isEqualTo(complete);
    assertThat(file.linesRead).isEqualTo(2);
    assertThat(file.linesAppended).isEqualTo(2);
    assertThat(stats.linesRead()).isEqualTo(2);
    assertThat(positionsChanged).as("the batch carried the position").hasValue(0);
  }

  @Test
  void aLineSplitByARotationIsOneRecordAndTheOlderFileIsPastItsPartOnceStored() throws Exception {
    Path older = Files.writeString(dir.resolve("0.log.20261203-101500"),
        PodLogFiles.cri("stdout", 'F', "whole") + PodLogFiles.cri("stdout", 'P', "first half, "));
    Path newer = Files.writeString(dir.resolve("0.log"), PodLogFiles.cri("stdout", 'F', "second half"));
    TailedFile rotated = OpenedFiles.tailed(older, 0, 0);
    TailedFile live = OpenedFiles.tailed(newer, 0, 1);
    container = new ContainerFiles(1 << 20);
    container.add(rotated);
    container.add(live);
    reader.read(rotated, container, 0, false);
    assertThat(shipped()).extracting(LogRecord::message).containsExactly("whole");
    long partStart = PodLogFiles.cri("stdout", 'F', "whole").length();
    assertThat(rotated.pendingStart).isEqualTo(partStart);
    assertThat(rotated.position().offset()).as("a restart reads the part again").isEqualTo(partStart);
    reader.read(live, container, 0, false);
    assertThat(shipped()).extracting(LogRecord::message).containsExactly("first half, second half");
    assertThat(rotated.pendingStart).isEqualTo(-1);
    assertThat(rotated.position().offset()).isEqualTo(Files.size(older));
    assertThat(positionsStored).as("stored at once: a restart must not join the part again").hasValue(1);
    assertThat(rotated.linesRead + live.linesRead).as("as written: the parts apart").isEqualTo(3);
    assertThat(rotated.linesAppended + live.linesAppended).as("as stored: joined").isEqualTo(2);
  }

  @Test
  void anAbandonedReadStoresNothingAndGoesBackToTheLastStoredPosition() throws Exception {
    Path log = Files.writeString(dir.resolve("0.log"), PodLogFiles.cri("stdout", 'F', "stored"));
    TailedFile file = alone(log);
    reader.read(file, container, 0, false);
    long stored = file.readOffset;
    QueueEmitter out = new QueueEmitter(queue, stats, file, container, false);
    out.emit(new JoinedLine(1, LogStream.STDOUT, "lost in the fault".getBytes(), false, false), stored);
    file.readOffset = stored + 100;
    out.abandon();
    assertThat(file.readOffset).isEqualTo(stored);
    assertThat(shipped()).extracting(LogRecord::message).containsExactly("stored");
  }

  @Test
  void whenDroppingLinesAreCountedNotStoredAndThePositionStillMoves() throws Exception {
    Path log = Files.writeString(dir.resolve("0.log"), PodLogFiles.cri("stdout", 'F', "dropped"));
    TailedFile file = alone(log);
    reader.read(file, container, 0, true);
    assertThat(shipped()).isEmpty();
    assertThat(stats.droppedLines()).isEqualTo(1);
    assertThat(file.readOffset).isEqualTo(Files.size(log));
    assertThat(positionsChanged).as("no batch carried it: stored with the next positions").hasValue(1);
  }

  @Test
  void aCopytruncatedFileIsReadAgainFromItsStartOnceWithWhatWasCopiedAwayCounted() throws Exception {
    Path log = Files.writeString(dir.resolve("0.log"), PodLogFiles.cri("stdout", 'F', "before"));
    TailedFile file = alone(log);
    reader.read(file, container, 0, false);
    Files.writeString(log, PodLogFiles.cri("stdout", 'F', "unread, copied away"), StandardOpenOption.APPEND);
    file.sizeAtLastCheck = Files.size(log);
    Files.writeString(log, PodLogFiles.cri("stdout", 'F', "after"), StandardOpenOption.TRUNCATE_EXISTING);
    reader.checkTruncated(file);
    assertThat(file.readOffset).isZero();
    assertThat(stats.truncations()).isEqualTo(1);
    assertThat(stats.lostBytes(TailerStats.LostBytes.COPYTRUNCATE))
        .isEqualTo(PodLogFiles.cri("stdout", 'F', "unread, copied away").length());
    reader.read(file, container, 0, false);
    reader.checkTruncated(file);
    assertThat(stats.truncations()).as("one truncation, one re-read").isEqualTo(1);
    assertThat(shipped()).extracting(LogRecord::message).containsExactly("before", "after");
  }
}

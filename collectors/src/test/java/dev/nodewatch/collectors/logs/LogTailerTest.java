package dev.nodewatch.collectors.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.config.ByteSize;
import dev.nodewatch.collectors.queue.LogQueue;
import dev.nodewatch.collectors.queue.LogRecord;
import dev.nodewatch.collectors.queue.QueueConfig;
import dev.nodewatch.collectors.queue.QueueMaintenance;
import dev.nodewatch.collectors.queue.QueueReader;
import dev.nodewatch.collectors.queue.WhenFull;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tailer against real files, renamed, truncated and deleted under it as kubelet and runtimes do. */
class LogTailerTest {

  private static final Pattern NUMBERED = Pattern.compile("line-(\\d+)");

  @TempDir
  Path root;

  private LogQueue queue;
  private QueueMaintenance maintenance;
  private LogTailer tailer;
  private final List<LogRecord> received = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    if (tailer != null) {
      tailer.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    if (maintenance != null) {
      maintenance.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    if (queue != null) {
      queue.close();
    }
  }

  private LogsConfig config(LogFormat format) {
    return config(format, 64);
  }

  private LogsConfig config(LogFormat format, int maxOpenFiles) {
    return new LogsConfig(List.of(root + "/containers/*.log"), List.of(), format, ByteSize.ofMebibytes(1),
        Duration.ofMillis(100), maxOpenFiles, true, null);
  }

  private void start(LogsConfig config, TimeProvider time, String maxBytes) throws Exception {
    queue = openQueue(maxBytes, time);
    tailer = new LogTailer(config, queue, WhenFull.BLOCK, uid -> Map.of("app", "web"), "", "", System::nanoTime);
    startTailer();
  }

  /**
   * The queue with the test's reader registered from the start: with no reader at all, retention keeps only the
   * current cycle, and a test running across a five-minute boundary would see its records go.
   */
  private LogQueue openQueue(String maxBytes, TimeProvider time) throws Exception {
    LogQueue opened = LogQueue.open(root.resolve("queue"), new QueueConfig(ByteSize.parse(maxBytes),
        WhenFull.BLOCK), "node", config(LogFormat.AUTO).maxLineBytes().bytes(), time);
    opened.reader("test");
    return opened;
  }

  private void start() throws Exception {
    start(config(LogFormat.AUTO), SystemTimeProvider.INSTANCE, "2GiB");
  }

  private void drain() {
    QueueReader reader = queue.reader("test");
    QueueReader.Polled polled;
    while (!(polled = reader.poll(10_000)).isEmpty()) {
      received.addAll(polled.records());
      reader.ack(polled.lastIndex());
    }
  }

  private void awaitRecords(int count) throws InterruptedException {
    await(() -> {
      drain();
      return received.size() >= count;
    }, () -> "records: " + count + ", received " + received.size() + ", files " + tailer.files()
        + ", rotations " + tailer.stats().rotations() + ", lost bytes " + tailer.stats().lostBytes());
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    await(condition, () -> what);
  }

  private static void await(BooleanSupplier condition, java.util.function.Supplier<String> what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what.get());
      }
      Thread.sleep(20);
    }
  }

  /** Every numbered line exactly once, and within each file in the order written. */
  private void assertEveryLineOnceInOrder(int count) {
    int[] seen = new int[count];
    Map<String, Integer> lastPerFile = new HashMap<>();
    for (LogRecord record : received) {
      Matcher m = NUMBERED.matcher(record.message());
      assertThat(m.find()).as("numbered: %s", record.message()).isTrue();
      int n = Integer.parseInt(m.group(1));
      seen[n]++;
      String file = record.source().file().device() + ":" + record.source().file().inode();
      Integer last = lastPerFile.put(file, n);
      assertThat(last == null || last < n).as("line %d after %d in the same file", n, last).isTrue();
    }
    for (int i = 0; i < count; i++) {
      assertThat(seen[i]).as("line %d", i).isEqualTo(1);
    }
    assertThat(received).hasSize(count);
  }

  @Test
  void kubeletRotationFiftyTimesAtAHighRateLosesAndRepeatsNothing() throws Exception {
    start();
    int total = 200_000;
    try (PodLogFiles pod = new PodLogFiles(root, "shop", "web-7d9f", "0f3c-11", "app")) {
      int rotateEvery = total / 50;
      long lastRotation = System.nanoTime();
      for (int i = 0; i < total; i++) {
        pod.write(PodLogFiles.cri(i % 3 == 0 ? "stderr" : "stdout", 'F', "line-" + i + " " + "x".repeat(150)));
        if (i % rotateEvery == rotateEvery - 1) {
          // kubelet checks sizes every 10 s; at 50 rotations that would take minutes, so rotations come faster,
          // but each file lives at least two scan intervals, as a file must to be found at all
          Thread.sleep(Math.max(0, 200 - (System.nanoTime() - lastRotation) / 1_000_000));
          lastRotation = System.nanoTime();
          pod.rename();
          for (int late = 0; late < 5 && i + 1 < total; late++) {
            i++; // the runtime writes into the renamed file until it reopens
            pod.write(PodLogFiles.cri("stdout", 'F', "line-" + i));
          }
          pod.reopen();
          pod.deleteRotatedExceptNewest(2);
        }
      }
      awaitRecords(total);
      Thread.sleep(300);
      drain();
    }
    assertEveryLineOnceInOrder(total);
    LogRecord first = received.get(0);
    assertThat(first.source().namespace()).isEqualTo("shop");
    assertThat(first.source().pod()).isEqualTo("web-7d9f");
    assertThat(first.source().podUid()).isEqualTo("0f3c-11");
    assertThat(first.source().container()).isEqualTo("app");
    assertThat(first.source().containerId()).isEqualTo("ab".repeat(32));
    assertThat(first.source().restartCount()).isZero();
    assertThat(first.source().labels()).containsEntry("app", "web");
    assertThat(first.stream()).isEqualTo("stderr");
    assertThat(first.timestampNanos()).isEqualTo(
        java.time.Instant.parse("2026-11-25T10:00:00.123456789Z").getEpochSecond() * 1_000_000_000L + 123456789);
    await(() -> tailer.files().size() == 1, "rotated files closed");
    // each rotated file let go after it was read live, or (a rotation faster than a scan) found beside the new one
    assertThat(tailer.stats().rotations() + tailer.stats().rotatedFilesFound()).isGreaterThanOrEqualTo(50);
    assertThat(tailer.stats().lostBytes()).isZero();
  }

  @Test
  void copytruncateIsReadAgainFromTheStartAndCounted() throws Exception {
    start();
    try (PodLogFiles pod = new PodLogFiles(root, "ns", "p", "u-1", "c")) {
      for (int i = 0; i < 100; i++) {
        pod.write(PodLogFiles.cri("stdout", 'F', "line-" + i));
      }
      awaitRecords(100);
      Files.copy(pod.current, pod.containerDir.resolve("0.log.copy"));
      try (var channel = java.nio.channels.FileChannel.open(pod.current, java.nio.file.StandardOpenOption.WRITE)) {
        channel.truncate(0);
      }
      pod.reopen();
      for (int i = 100; i < 150; i++) {
        pod.write(PodLogFiles.cri("stdout", 'F', "line-" + i));
      }
      awaitRecords(150);
    }
    assertEveryLineOnceInOrder(150);
    assertThat(tailer.stats().truncations()).isEqualTo(1);
  }

  @Test
  void oneTruncationIsOneReadFromTheStartNotOneOnEveryScan() throws Exception {
    start();
    try (PodLogFiles pod = new PodLogFiles(root, "ns", "p", "u-1", "c")) {
      for (int i = 0; i < 2_000; i++) {
        pod.write(PodLogFiles.cri("stdout", 'F', "line-" + i));
      }
      awaitRecords(2_000);
      try (var channel = java.nio.channels.FileChannel.open(pod.current, java.nio.file.StandardOpenOption.WRITE)) {
        channel.truncate(0);
      }
      pod.reopen();
      for (int i = 2_000; i < 2_100; i++) {
        pod.write(PodLogFiles.cri("stdout", 'F', "line-" + i));
      }
      awaitRecords(2_100);
      Thread.sleep(1_500); // fifteen scans: each would have read the file again
      drain();
    }
    assertEveryLineOnceInOrder(2_100);
    assertThat(tailer.stats().truncations()).isEqualTo(1);
  }

  @Test
  void rotationsAndCompressionWhileTheAgentWasDownAreReadOldestFirstFromTheStoredPosition() throws Exception {
    start();
    try (PodLogFiles pod = new PodLogFiles(root, "ns", "p", "u-1", "c")) {
      writeLines(pod, 0, 500);
      awaitRecords(500);
      stopTailer();
      writeLines(pod, 500, 800); // half of this file was read when the agent stopped
      Path first = pod.rename();
      pod.reopen();
      writeLines(pod, 800, 1_000); // never seen under its live name
      Path second = pod.rename();
      pod.reopen();
      pod.compress(first); // the older rotated file is compressed at the next rotation
      Files.write(second.resolveSibling(second.getFileName() + ".gz.tmp"), new byte[] {31, (byte) 139, 8});
      writeLines(pod, 1_000, 1_100);
      // the container restarted while the agent was down; its old symlink is gone, the new one not made yet
      Path restarted = pod.containerDir.resolve("1.log");
      for (int i = 1_100; i < 1_200; i++) {
        Files.writeString(restarted, PodLogFiles.cri("stdout", 'F', "line-" + i),
            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      }
      start();
      awaitRecords(1_200);
      Thread.sleep(500);
      drain();
    }
    assertEveryLineOnceInOrder(1_200);
    assertThat(received).extracting(r -> lineNumber(r)).isSorted(); // oldest file first, across files
    assertThat(tailer.stats().compressedFilesFound()).isEqualTo(1);
    assertThat(tailer.stats().lostBytes()).isZero();
    assertThat(tailer.stats().corruptFiles()).isZero(); // the .gz.tmp was never read
  }

  @Test
  void aCompressedFileNeverSeenIsReadAndAFinishedOneIsNotReadAgainOnceCompressed() throws Exception {
    start();
    try (PodLogFiles pod = new PodLogFiles(root, "ns", "p", "u-1", "c")) {
      writeLines(pod, 100, 200);
      awaitRecords(100);
      // a rotation the agent never saw live, already compressed: found by the directory's events
      Path unseen = pod.rotatedName(1, false);
      Files.writeString(unseen, numbered(0, 100));
      pod.compress(unseen);
      awaitRecords(200);
      // the live file rotated and read to its end, then compressed: the same content, not read twice
      Path rotated = pod.rename();
      pod.reopen();
      writeLines(pod, 200, 300);
      awaitRecords(300);
      await(() -> tailer.files().size() == 1, "the rotated file finished");
      pod.compress(rotated);
      Thread.sleep(1_000);
      drain();
    }
    assertEveryLineOnceInOrder(300);
    assertThat(tailer.stats().compressedFilesFound()).isEqualTo(1);
  }

  @Test
  void aCorruptGzAndOneThatIsNotGzipAreCountedAndTheRestOfTheDirectoryIsRead() throws Exception {
    start();
    try (PodLogFiles pod = new PodLogFiles(root, "ns", "p", "u-1", "c")) {
      writeLines(pod, 0, 10);
      awaitRecords(10);
      Path notGzip = pod.containerDir.resolve("plain.tmp");
      Files.writeString(notGzip, numbered(10, 20)); // plain text under a .gz name
      Files.move(notGzip, pod.rotatedName(1, true), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      java.io.ByteArrayOutputStream whole = new java.io.ByteArrayOutputStream();
      try (var gz = new java.util.zip.GZIPOutputStream(whole)) {
        gz.write((numbered(20, 2_020) + "x".repeat(200_000)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      // cut short mid-stream, and in place at once (the tailer must never see it whole)
      Path tmp = pod.containerDir.resolve("cut.tmp");
      Files.write(tmp, java.util.Arrays.copyOf(whole.toByteArray(), whole.size() / 2));
      Files.move(tmp, pod.rotatedName(2, true), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      Path good = pod.rotatedName(3, false);
      Files.writeString(good, numbered(3_000, 3_100));
      pod.compress(good);
      await(() -> {
        drain();
        return received.stream().anyMatch(r -> r.message().startsWith("line-3099"));
      }, "the good compressed file");
      await(() -> tailer.stats().corruptFiles() == 2, "both bad files counted");
    }
    List<Integer> numbers = received.stream().map(LogTailerTest::lineNumber).toList();
    assertThat(numbers).doesNotContain(10).contains(20, 1_000, 3_000, 3_099);
    assertThat(tailer.stats().lostBytes(TailerStats.LostBytes.CORRUPT)).isPositive();
  }

  @Test
  void onTheFirstStartRotatedFilesAlreadyThereAreLeftAloneAndLaterOnesAreRead() throws Exception {
    try (PodLogFiles pod = new PodLogFiles(root, "ns", "p", "u-1", "c")) {
      Files.writeString(pod.rotatedName(1, false), numbered(9_000, 9_010)); // before the agent ever ran here
      pod.compress(pod.rotatedName(1, false));
      Files.writeString(pod.rotatedName(2, false), numbered(9_010, 9_020));
      writeLines(pod, 0, 100);
      start();
      awaitRecords(100);
      stopTailer();
      writeLines(pod, 100, 150);
      pod.rename();
      pod.reopen();
      writeLines(pod, 150, 200);
      start();
      awaitRecords(200);
      Thread.sleep(500);
      drain();
    }
    assertEveryLineOnceInOrder(200);
  }

  @Test
  void aFileDeletedWhileTheAgentWasDownIsCountedAsGoneNotSilentlyForgotten() throws Exception {
    start();
    try (PodLogFiles pod = new PodLogFiles(root, "ns", "p", "u-1", "c")) {
      writeLines(pod, 0, 100);
      awaitRecords(100);
      stopTailer();
      writeLines(pod, 100, 150); // never read: rotated and deleted before the agent is back
      Files.delete(pod.rename());
      pod.reopen();
      writeLines(pod, 150, 200);
      start();
      awaitRecords(150);
    }
    assertThat(tailer.stats().filesGone()).isEqualTo(1);
    assertThat(received).extracting(r -> lineNumber(r)).doesNotContain(100, 149).contains(0, 99, 150, 199);
  }

  @Test
  void eachContainerIsCountedWhileItsFilesAreTailedAndForgottenWithThem() throws Exception {
    start();
    try (PodLogFiles web = new PodLogFiles(root, "shop", "web", "u-1", "app");
        PodLogFiles db = new PodLogFiles(root, "shop", "db", "u-2", "postgres")) {
      writeLines(web, 0, 300);
      writeLines(db, 300, 310);
      awaitRecords(310);
      await(() -> tailer.stats().containers().size() == 2, "two containers counted");
      ContainerLogCounts counts = tailer.stats().containers().stream().filter(c -> c.pod().equals("web"))
          .findFirst().orElseThrow();
      assertThat(counts.namespace()).isEqualTo("shop");
      assertThat(counts.container()).isEqualTo("app");
      assertThat(counts.lines()).isEqualTo(300);
      assertThat(counts.bytes()).isEqualTo(Files.size(web.current));
      Files.delete(db.link); // the container is gone: its file is let go, drained and closed
      Files.delete(db.current);
      await(() -> tailer.stats().containers().size() == 1, "the deleted container forgotten");
    }
  }

  @Test
  void aQuietContainerSleepsAndItsNextLineWakesItLongBeforeTheFallback() throws Exception {
    start();
    try (PodLogFiles pod = new PodLogFiles(root, "ns", "p", "u-1", "c")) {
      writeLines(pod, 0, 1);
      awaitRecords(1);
      Thread.sleep(3_000); // quiet long enough to sleep: only a write to its directory wakes it now
      long written = System.nanoTime();
      writeLines(pod, 1, 2);
      awaitRecords(2);
      // the fallback would read it after 5 s; the directory's write event does it at once
      assertThat(System.nanoTime() - written).isLessThan(TimeUnit.SECONDS.toNanos(4));
    }
    assertEveryLineOnceInOrder(2);
  }

  @Test
  void aPathThatCannotBeOpenedIsCountedOnceNotOnEveryScan() throws Exception {
    Path links = Files.createDirectories(root.resolve("containers"));
    Files.createSymbolicLink(links.resolve("loop_ns_c-" + "ee".repeat(32) + ".log"),
        links.resolve("loop_ns_c-" + "ee".repeat(32) + ".log"));
    start();
    Thread.sleep(1_500); // fifteen scans
    assertThat(tailer.stats().openErrors()).isEqualTo(1);
    assertThat(tailer.stats().pathsFailing()).isEqualTo(1);
  }

  private static void writeLines(PodLogFiles pod, int from, int to) {
    for (int i = from; i < to; i++) {
      pod.write(PodLogFiles.cri("stdout", 'F', "line-" + i));
    }
  }

  private static String numbered(int from, int to) {
    StringBuilder lines = new StringBuilder();
    for (int i = from; i < to; i++) {
      lines.append(PodLogFiles.cri("stdout", 'F', "line-" + i));
    }
    return lines.toString();
  }

  private static int lineNumber(LogRecord record) {
    Matcher m = NUMBERED.matcher(record.message());
    assertThat(m.find()).as("numbered: %s", record.message()).isTrue();
    return Integer.parseInt(m.group(1));
  }

  /** The tailer, with the queue's maintenance beside it as the agent runs them. */
  private void startTailer() {
    maintenance = new QueueMaintenance(queue);
    maintenance.start();
    tailer.start();
  }

  private void stopTailer() throws Exception {
    tailer.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    maintenance.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    queue.close();
  }

  @Test
  void aFileDeletedBeforeItWasReadIsReadToItsEndThroughItsDescriptor() throws Exception {
    SetTimeProvider time = new SetTimeProvider(TimeUnit.DAYS.toNanos(20_000));
    queue = openQueue("16MiB", time);
    fillUntilFull(time);
    queue.close(); // the tailer's thread appends from here on
    queue = openQueue("16MiB", time);
    QueueReader filler = queue.reader("test");
    tailer = new LogTailer(config(LogFormat.CRI), queue, WhenFull.BLOCK, uid -> Map.of(), "", "", System::nanoTime);
    try (PodLogFiles pod = new PodLogFiles(root, "ns", "p", "u-1", "c")) {
      for (int i = 0; i < 1000; i++) {
        pod.write(PodLogFiles.cri("stdout", 'F', "line-" + i));
      }
      startTailer();
      await(() -> tailer.stats().paused() && tailer.files().size() == 1, "the tailer paused with the file open");
      Files.delete(pod.link);
      Files.delete(pod.current);
      // the sink catches up and retention frees the queue: reading resumes
      filler.ack(queue.lastIndex());
      time.advanceMillis(TimeUnit.MINUTES.toMillis(5));
      received.clear();
      awaitRecords(1000);
    }
    assertEveryLineOnceInOrder(1000);
    await(() -> tailer.files().isEmpty(), "the deleted file's descriptor closed");
    assertThat(tailer.stats().paused()).isFalse();
  }

  /** Appends until the backlog of a reader named {@code test}, which acknowledges nothing, fills the queue. */
  private void fillUntilFull(SetTimeProvider time) throws Exception {
    queue.reader("test");
    var source = new dev.nodewatch.collectors.queue.LogSource(
        new dev.nodewatch.collectors.queue.FileIdentity(0, 0, 0, 0), "filler", "", "", "", "", "", -1, Map.of());
    while (!queue.full()) {
      LogQueue.Batch batch = queue.batch(source);
      for (int i = 0; i < 1000; i++) {
        batch.add(0, false, false, false, i, "filler ".repeat(20));
      }
      queue.append(batch, 0);
      queue.maintain();
    }
  }

  @Test
  void aLineStartedBeforeARotationIsJoinedWithItsEndInTheNextFile() throws Exception {
    start();
    try (PodLogFiles pod = new PodLogFiles(root, "ns", "p", "u-1", "c")) {
      pod.write(PodLogFiles.cri("stdout", 'F', "line-0"));
      pod.write(PodLogFiles.cri("stdout", 'P', "line-1 first half, "));
      awaitRecords(1);
      pod.rename();
      pod.reopen();
      pod.write(PodLogFiles.cri("stdout", 'F', "second half"));
      pod.write(PodLogFiles.cri("stdout", 'F', "line-2"));
      awaitRecords(3);
    }
    assertThat(received).extracting(LogRecord::message)
        .containsExactly("line-0", "line-1 first half, second half", "line-2");
  }

  @Test
  void aRestartResumesAfterTheLastStoredLine() throws Exception {
    start();
    try (PodLogFiles pod = new PodLogFiles(root, "ns", "p", "u-1", "c")) {
      for (int i = 0; i < 500; i++) {
        pod.write(PodLogFiles.cri("stdout", 'F', "line-" + i));
      }
      awaitRecords(500);
      stopTailer();
      for (int i = 500; i < 800; i++) {
        pod.write(PodLogFiles.cri("stdout", 'F', "line-" + i));
      }
      pod.rename(); // rotated while the agent was down: still read to its end
      pod.reopen();
      for (int i = 800; i < 900; i++) {
        pod.write(PodLogFiles.cri("stdout", 'F', "line-" + i));
      }
      start();
      awaitRecords(900);
      Thread.sleep(300);
      drain();
    }
    assertEveryLineOnceInOrder(900);
  }

  @Test
  void badInputIsCountedAndTheGoodLinesAroundItAllArrive() throws Exception {
    start();
    Path pods = Files.createDirectories(root.resolve("containers"));
    try (PodLogFiles good = new PodLogFiles(root, "ns", "good", "u-1", "c");
        PodLogFiles garbage = new PodLogFiles(root, "ns", "garbage", "u-2", "c");
        PodLogFiles huge = new PodLogFiles(root, "ns", "huge", "u-3", "c");
        PodLogFiles docker = new PodLogFiles(root, "ns", "docker", "u-4", "c")) {
      new PodLogFiles(root, "ns", "empty", "u-5", "c").close();
      Files.createDirectories(pods.resolve("dir_ns_c-" + "cd".repeat(32) + ".log"));
      byte[] binary = new byte[4096];
      new java.util.Random(1).nextBytes(binary);
      garbage.write(binary);
      garbage.write("\n");
      garbage.write(new byte[] {'b', 'a', 'd', ' ', (byte) 0xC3, (byte) 0x28, '\n'});
      huge.write(PodLogFiles.cri("stdout", 'F', "y".repeat(50 << 20)));
      huge.write(PodLogFiles.cri("stdout", 'F', "after the huge line"));
      docker.write("{\"log\":\"whole\\n\",\"stream\":\"stdout\",\"time\":\"2026-11-25T10:00:00Z\"}\n");
      docker.write("{\"log\":\"cut in ha\n");
      docker.write("{\"log\":\"after the cut\\n\",\"stream\":\"stderr\",\"time\":\"2026-11-25T10:00:01Z\"}\n");
      for (int i = 0; i < 100; i++) {
        good.write(i == 50 ? "not-a-time stdout F line-50\n" : PodLogFiles.cri("stdout", 'F', "line-" + i));
      }
      await(() -> {
        drain();
        return received.stream().filter(r -> r.source().pod().equals("good")).count() == 100
            && received.stream().anyMatch(r -> r.message().equals("after the huge line"))
            && received.stream().anyMatch(r -> r.message().equals("after the cut"));
      }, "the good lines");
    }
    assertThat(received.stream().filter(r -> r.source().pod().equals("good")).map(LogRecord::message))
        .contains("line-0", "line-99", "not-a-time stdout F line-50");
    LogRecord hugeLine = received.stream().filter(r -> r.source().pod().equals("huge")).findFirst().orElseThrow();
    assertThat(hugeLine.truncated()).isTrue();
    // max_line_bytes bounds the line as read, framing included, and the record must fit in a queue document
    assertThat(hugeLine.message().length()).isBetween((1 << 20) - 4096, 1 << 20);
    assertThat(received).anyMatch(r -> r.message().equals("bad \uFFFD("));
    // in a container's log every line should be framed: binary garbage is shipped whole (invalid UTF-8 replaced)
    // and flagged malformed, as are the CRI line with a bad time and the Docker line cut in half
    List<LogRecord> garbageLines = received.stream().filter(r -> r.source().pod().equals("garbage")).toList();
    assertThat(garbageLines).isNotEmpty().allMatch(LogRecord::malformed);
    assertThat(tailer.stats().malformedLines()).isEqualTo(2 + garbageLines.size());
    assertThat(received).filteredOn(r -> r.message().startsWith("{\"log\":\"cut in ha"))
        .singleElement().satisfies(r -> assertThat(r.malformed()).isTrue());
    assertThat(tailer.stats().truncatedLines()).isEqualTo(1);
    assertThat(tailer.stats().skippedPaths()).isEqualTo(1); // the directory, once however many scans saw it
    await(() -> tailer.files().size() == 5, "the status of every file"); // published twice a second
    assertThat(tailer.files()).extracting(LogTailer.FileStatus::pod)
        .containsExactlyInAnyOrder("good", "garbage", "huge", "docker", "empty");
  }

  @Test
  void moreFilesThanDescriptorsAreAllReadByClosingIdleOnesAndReopeningThemByPosition() throws Exception {
    start(config(LogFormat.CRI, 8), SystemTimeProvider.INSTANCE, "2GiB");
    List<PodLogFiles> pods = new ArrayList<>();
    try {
      for (int p = 0; p < 20; p++) {
        pods.add(new PodLogFiles(root, "ns", "pod-" + p, "u-" + p, "c"));
      }
      int n = 0;
      for (int round = 0; round < 3; round++) {
        for (PodLogFiles pod : pods) {
          for (int i = 0; i < 50; i++) {
            pod.write(PodLogFiles.cri("stdout", 'F', "line-" + n++));
          }
        }
        awaitRecords(n);
        // files with unread lines stay open; once all are read, the next scan closes the excess
        await(() -> tailer.files().stream().filter(LogTailer.FileStatus::open).count() <= 8,
            "at most 8 files open once every line is read");
      }
      assertEveryLineOnceInOrder(n);
    } finally {
      for (PodLogFiles pod : pods) {
        pod.close();
      }
    }
  }

  @Test
  void theAgentsOwnContainerIsLeftOut() throws Exception {
    queue = openQueue("2GiB", SystemTimeProvider.INSTANCE);
    tailer = new LogTailer(config(LogFormat.CRI), queue, WhenFull.BLOCK, uid -> Map.of(), "monitoring",
        "nodewatch-x7k2p", System::nanoTime);
    startTailer();
    try (PodLogFiles self = new PodLogFiles(root, "monitoring", "nodewatch-x7k2p", "u-1", "nodewatch");
        PodLogFiles other = new PodLogFiles(root, "monitoring", "prometheus-0", "u-2", "prometheus")) {
      self.write(PodLogFiles.cri("stdout", 'F', "shipped 1000 lines"));
      other.write(PodLogFiles.cri("stdout", 'F', "line-0"));
      awaitRecords(1);
      Thread.sleep(300);
      drain();
    }
    assertThat(received).extracting(r -> r.source().pod()).containsExactly("prometheus-0");
  }

  @Test
  void underDropNewestAFullQueueDropsAndCountsLinesInsteadOfPausing() throws Exception {
    SetTimeProvider time = new SetTimeProvider(TimeUnit.DAYS.toNanos(20_000));
    queue = openQueue("16MiB", time);
    queue.reader("slow"); // a reader that never acknowledges: the queue stays full
    fillUntilFull(time);
    queue.close();
    queue = openQueue("16MiB", time);
    queue.reader("slow");
    tailer = new LogTailer(config(LogFormat.CRI), queue, WhenFull.DROP_NEWEST, uid -> Map.of(), "", "",
        System::nanoTime);
    try (PodLogFiles pod = new PodLogFiles(root, "ns", "p", "u-1", "c")) {
      for (int i = 0; i < 1000; i++) {
        pod.write(PodLogFiles.cri("stdout", 'F', "line-" + i));
      }
      startTailer();
      await(() -> tailer.stats().droppedLines() == 1000, "1000 dropped lines");
    }
    assertThat(tailer.stats().paused()).isFalse();
    assertThat(tailer.stats().linesRead()).isZero();
    // read past (the positions moved on), not left behind
    await(() -> tailer.files().size() == 1 && tailer.files().get(0).lagBytes() == 0, "the file read to its end");
  }

  @Test
  void aFullDiskPausesReadingWithoutLosingAnythingAndReadingResumesWhenSpaceIsFreed() throws Exception {
    Path disk = Files.createDirectories(root.resolve("small-disk"));
    boolean mounted = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", disk.toString())
        .inheritIO().start().waitFor() == 0;
    if (!mounted) {
      assertThat(System.getenv("CI")).as("CI runs as root and must be able to mount a tmpfs").isNotEqualTo("true");
      org.junit.jupiter.api.Assumptions.abort("cannot mount a tmpfs here (not root?): the disk-full test needs one");
    }
    try (PodLogFiles pod = new PodLogFiles(root, "ns", "p", "u-1", "c")) {
      int total = 400_000; // ~80 MB of log: more than the disk can hold at once
      StringBuilder chunk = new StringBuilder();
      for (int i = 0; i < total; i++) {
        chunk.append(PodLogFiles.cri("stdout", 'F', "line-" + i + " " + "d".repeat(150)));
        if (chunk.length() > 1 << 20) {
          pod.write(chunk.toString());
          chunk.setLength(0);
        }
      }
      pod.write(chunk.toString());
      queue = LogQueue.open(disk.resolve("queue"), new QueueConfig(ByteSize.parse("2GiB"), WhenFull.BLOCK), "node",
          1 << 20, SystemTimeProvider.INSTANCE);
      queue.reader("test");
      tailer = new LogTailer(config(LogFormat.CRI), queue, WhenFull.BLOCK, uid -> Map.of(), "", "",
          System::nanoTime);
      startTailer();
      await(() -> queue.diskFull() && tailer.stats().paused(), "the tailer paused on a nearly full disk");
      assertThat(queue.diskFullEvents()).isEqualTo(1);
      // the sink catches up, and once the wall clock starts a new queue file, retention frees what was read:
      // reading resumes. The disk fills twice more on the way; with one-minute files (as before) this took minutes.
      long started = System.nanoTime();
      long deadline = started + TimeUnit.SECONDS.toNanos(50);
      while (received.size() < total && System.nanoTime() < deadline) {
        drain();
        Thread.sleep(100);
      }
      System.out.printf("full disk: %d lines through a 48 MiB disk in %.1f s%n", received.size(),
          (System.nanoTime() - started) / 1e9);
      assertEveryLineOnceInOrder(total);
      assertThat(queue.diskFullEvents()).isGreaterThanOrEqualTo(1);
      assertThat(tailer.stats().queueErrors()).isZero();
    } finally {
      stopTailer();
      tailer = null;
      queue = null;
      // lazily: Chronicle releases its mappings on a background thread, after close returns
      new ProcessBuilder("umount", "-l", disk.toString()).inheritIO().start().waitFor();
    }
  }

  @Test
  void stackTracesBecomeOneRecordAndARestartInsideOneReadsItAgainWhole() throws Exception {
    LogsConfig multiline = new LogsConfig(List.of(root + "/containers/*.log"), List.of(), LogFormat.CRI,
        ByteSize.ofMebibytes(1), Duration.ofMillis(100), 64, true,
        new MultilineConfig("^\\d{4}-\\d{2}-\\d{2} ", Duration.ofMillis(300)));
    start(multiline, SystemTimeProvider.INSTANCE, "2GiB");
    try (PodLogFiles pod = new PodLogFiles(root, "ns", "p", "u-1", "c")) {
      pod.write(PodLogFiles.cri("stderr", 'F', "2026-11-25 10:00:00 ERROR line-0 failed"));
      pod.write(PodLogFiles.cri("stderr", 'F', "java.lang.IllegalStateException: boom"));
      pod.write(PodLogFiles.cri("stderr", 'F', "\tat shop.Cart.checkout(Cart.java:42)"));
      pod.write(PodLogFiles.cri("stderr", 'F', "2026-11-25 10:00:01 ERROR line-1 failed"));
      pod.write(PodLogFiles.cri("stderr", 'F', "\tat shop.Cart.pay(Cart.java:7)"));
      awaitRecords(2); // the first when the second started, the second after 300 ms without more lines
      pod.write(PodLogFiles.cri("stderr", 'F', "2026-11-25 10:00:02 ERROR line-2 failed"));
      Thread.sleep(100);
      // stopped while line-2 may still gather lines: it must come back whole after the restart
      stopTailer();
      pod.write(PodLogFiles.cri("stderr", 'F', "\tat shop.Cart.refund(Cart.java:9)"));
      start(multiline, SystemTimeProvider.INSTANCE, "2GiB");
      awaitRecords(3); // the reader resumes after what it acknowledged before the restart
      Thread.sleep(500);
      drain();
    }
    assertThat(received).extracting(LogRecord::message).containsExactly(
        "2026-11-25 10:00:00 ERROR line-0 failed\njava.lang.IllegalStateException: boom\n"
            + "\tat shop.Cart.checkout(Cart.java:42)",
        "2026-11-25 10:00:01 ERROR line-1 failed\n\tat shop.Cart.pay(Cart.java:7)",
        "2026-11-25 10:00:02 ERROR line-2 failed\n\tat shop.Cart.refund(Cart.java:9)");
  }

  @Test
  void aRotatedFileEndingInAnUnfinishedLineIsClosedOnceIdleAndTheRestCounted() throws Exception {
    start();
    try (PodLogFiles pod = new PodLogFiles(root, "ns", "p", "u-1", "c")) {
      pod.write(PodLogFiles.cri("stdout", 'F', "line-0"));
      pod.write("2026-11-25T10:00:00.1Z stdout F never finish");
      awaitRecords(1);
      pod.rename();
      pod.reopen();
      pod.write(PodLogFiles.cri("stdout", 'F', "line-1"));
      awaitRecords(2);
      await(() -> tailer.stats().lostBytes() > 0, "the rotated file closed after 5 s without writes");
    }
    assertEveryLineOnceInOrder(2);
    assertThat(tailer.stats().lostBytes()).isEqualTo("2026-11-25T10:00:00.1Z stdout F never finish".length());
  }

  @Test
  void aNoisyFileDoesNotStarveAQuietOne() throws Exception {
    try (PodLogFiles noisy = new PodLogFiles(root, "ns", "noisy", "u-1", "c");
        PodLogFiles quiet = new PodLogFiles(root, "ns", "quiet", "u-2", "c")) {
      StringBuilder backlog = new StringBuilder();
      for (int i = 0; i < 200_000; i++) {
        backlog.append(PodLogFiles.cri("stdout", 'F', "noisy " + i + " " + "n".repeat(100)));
      }
      noisy.write(backlog.toString()); // ~30 MB waiting before the tailer starts
      quiet.write(PodLogFiles.cri("stdout", 'F', "quiet"));
      start();
      awaitRecords(200_001);
    }
    int quietAt = 0;
    while (!received.get(quietAt).message().equals("quiet")) {
      quietAt++;
    }
    // files are read in turns of at most 256 KiB each: the quiet line comes within the noisy file's first turns
    assertThat(quietAt).isLessThan(10_000);
  }
}

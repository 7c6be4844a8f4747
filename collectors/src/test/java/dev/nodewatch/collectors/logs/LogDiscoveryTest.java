package dev.nodewatch.collectors.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.config.ByteSize;
import dev.nodewatch.collectors.queue.FileIdentity;
import dev.nodewatch.collectors.queue.FilePosition;
import dev.nodewatch.collectors.queue.LogQueue;
import dev.nodewatch.collectors.queue.QueueConfig;
import dev.nodewatch.collectors.queue.WhenFull;
import dev.nodewatch.collectors.runtime.RateLimitedLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Finding files in a real kubelet layout: the linked live files, and the rotated ones beside them. */
class LogDiscoveryTest {

  @TempDir
  Path root;

  private final TailerStats stats = new TailerStats();
  private LogQueue queue;
  private TailedFiles files;
  private LogDiscovery discovery;
  private PodLogFiles pod;

  @BeforeEach
  void setUp() throws Exception {
    pod = new PodLogFiles(root, "ns", "pod", "0a1b-2c3d", "app"); // a UID is hex and dashes
    queue = LogQueue.open(root.resolve("queue"), new QueueConfig(ByteSize.parse("16MiB"), WhenFull.BLOCK), "node",
        1 << 20);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (files != null) {
      files.forgetAll();
    }
    if (discovery != null) {
      discovery.close();
    }
    pod.close();
    queue.close();
  }

  private void discover(List<FilePosition> positions, boolean firstStart) {
    LogsConfig config = new LogsConfig(List.of(root + "/containers/*.log"), List.of(), LogFormat.CRI,
        ByteSize.ofMebibytes(1), Duration.ofSeconds(10), 64, true, null);
    RateLimitedLog errors = new RateLimitedLog(LoggerFactory.getLogger(getClass()), Duration.ofMinutes(1),
        Clock.systemUTC());
    files = new TailedFiles(config, stats);
    LogFileReader reader = new LogFileReader(queue, stats, errors, 64 * 1024, () -> {}, () -> {});
    byte[] buffer = new byte[64 * 1024];
    discovery = new LogDiscovery(config, new LogSources(uid -> Map.of("app", "web")), "", "", files,
        new DescriptorBudget(64), reader, () -> new LineReader(buffer, 1 << 20), stats, errors);
    discovery.open(positions, firstStart);
    discovery.scan(0);
    discovery.examinePending(0);
  }

  private TailedFile tailed(Path path) throws Exception {
    return files.get(FileKey.of(path));
  }

  @Test
  void onTheFirstStartRotatedFilesAlreadyThereAreLeftAloneAndKnownAsSuch() throws Exception {
    Path rotated = Files.writeString(pod.rotatedName(1, false), PodLogFiles.cri("stdout", 'F', "before the agent"));
    pod.write(PodLogFiles.cri("stdout", 'F', "live"));
    discover(List.of(), true);
    assertThat(files.all()).extracting(f -> f.realPath).containsExactly(pod.current);
    assertThat(tailed(pod.current).found).isEqualTo(TailedFile.Found.LIVE);
    assertThat(tailed(pod.current).source.containerId()).isNotEmpty();
    assertThat(discovery.finishedPositions()).extracting(FilePosition::path).containsExactly(rotated.toString());
    assertThat(discovery.started()).isEmpty();
  }

  @Test
  void afterThatARotatedFileIsReadLetGoAndNamedLikeTheLiveFileOfItsStart() throws Exception {
    Path rotated = Files.writeString(pod.rotatedName(1, false), PodLogFiles.cri("stdout", 'F', "rotated"));
    pod.write(PodLogFiles.cri("stdout", 'F', "live"));
    discover(List.of(), false);
    TailedFile file = tailed(rotated);
    assertThat(file.found).isEqualTo(TailedFile.Found.ROTATED);
    assertThat(file.isLetGo()).isTrue();
    assertThat(file.readOffset).isZero();
    assertThat(file.source.containerId()).isEqualTo(tailed(pod.current).source.containerId());
    assertThat(file.source.labels()).containsEntry("app", "web");
    assertThat(stats.rotatedFilesFound()).isEqualTo(1);
    ContainerFiles container = files.in(pod.containerDir);
    assertThat(container.waitsForOlder(tailed(pod.current))).as("the rotated file goes first").isTrue();
  }

  @Test
  void aFileCompressedWhileTheAgentWasDownResumesWhereItsPlainFileWasLeftAndAGoneOneIsReported() throws Exception {
    String content = PodLogFiles.cri("stdout", 'F', "read before the restart, and long enough to be known by")
        + PodLogFiles.cri("stdout", 'F', "written after it");
    Path plain = Files.writeString(pod.rotatedName(1, false), content);
    FileIdentity before = FileIdentity.of(plain, java.nio.channels.FileChannel.open(plain)).refingerprint(
        java.nio.ByteBuffer.wrap(content.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    long offset = PodLogFiles.cri("stdout", 'F', "read before the restart, and long enough to be known by").length();
    Path gz = pod.compress(plain);
    FilePosition stored = new FilePosition(before, plain.toString(), offset);
    FilePosition gone = new FilePosition(new FileIdentity(1, 12345, 0, 0),
        pod.containerDir.resolve("0.log.20200101-000000").toString(), 10);
    pod.write(PodLogFiles.cri("stdout", 'F', "live"));
    discover(List.of(stored, gone), false);
    TailedFile file = tailed(gz);
    assertThat(file.found).isEqualTo(TailedFile.Found.COMPRESSED);
    assertThat(file.readOffset).isEqualTo(offset);
    assertThat(discovery.started()).containsExactly(gone);
  }

  @Test
  void aFileNoLinkLeadsToAnyMoreIsLetGoOnTheNextScan() throws Exception {
    pod.write(PodLogFiles.cri("stdout", 'F', "live"));
    discover(List.of(), false);
    TailedFile live = tailed(pod.current);
    assertThat(live.isLetGo()).isFalse();
    Files.delete(pod.link);
    discovery.scan(1);
    assertThat(live.isLetGo()).isTrue();
    assertThat(stats.rotations()).isEqualTo(1);
  }

  @Test
  void aFileTruncatedWhileTheAgentWasDownIsReadFromItsStartAndFlagged() throws Exception {
    String line = PodLogFiles.cri("stdout", 'F', "a line");
    int lines = 2 * FileIdentity.FINGERPRINT_BYTES / line.length() + 2;
    pod.write(line.repeat(lines));
    FileIdentity before = FileIdentity.of(pod.current, java.nio.channels.FileChannel.open(pod.current));
    try (var channel = java.nio.channels.FileChannel.open(pod.current, java.nio.file.StandardOpenOption.WRITE)) {
      // truncate -s, to past the fingerprint (a shorter file cannot be told from another by a checksum)
      channel.truncate((long) (lines / 2 + 1) * line.length());
    }
    discover(List.of(new FilePosition(before, pod.current.toString(), (long) lines * line.length())), false);
    assertThat(discovery.started()).as("not gone").isEmpty();
    TailedFile file = tailed(pod.current);
    assertThat(file.readOffset).isZero();
    assertThat(file.skippedWhy).isEqualTo("truncated_before_read");
    assertThat(stats.truncations()).isEqualTo(1);
  }

  @Test
  void aFileClosedToSaveADescriptorThatIsDeletedBeforeItIsReadAgainIsCountedAsLost() throws Exception {
    pod.write(PodLogFiles.cri("stdout", 'F', "read"));
    discover(List.of(), false);
    TailedFile file = tailed(pod.current);
    file.readOffset = Files.size(pod.current);
    file.park();
    String unread = PodLogFiles.cri("stdout", 'F', "written while closed, then rotated and deleted");
    pod.write(unread);
    DescriptorBudget.lookAtParked(file); // the size it grew to is seen, but before a descriptor is free again
    Files.delete(pod.rename());
    assertThat(discovery.reopen(file, 1)).isFalse();
    assertThat(stats.lostBytes(TailerStats.LostBytes.DELETED_BEFORE_READ)).isEqualTo(unread.length());
    assertThat(files.all()).doesNotContain(file);
  }

  @Test
  void aFileClosedToSaveADescriptorAndCompressedMeanwhileIsResumedInItsGz() throws Exception {
    String first = PodLogFiles.cri("stdout", 'F', "read before it was closed, and long enough to know it by");
    pod.write(first);
    discover(List.of(), false);
    TailedFile file = tailed(pod.current);
    file.readOffset = first.length();
    file.park();
    pod.write(PodLogFiles.cri("stdout", 'F', "written while closed"));
    DescriptorBudget.lookAtParked(file);
    Path gz = pod.compress(pod.rename());
    pod.reopen();
    assertThat(discovery.reopen(file, 1)).isFalse();
    TailedFile resumed = tailed(gz);
    assertThat(resumed.found).isEqualTo(TailedFile.Found.COMPRESSED);
    assertThat(resumed.readOffset).isEqualTo(first.length());
    assertThat(stats.lostBytes()).isZero();
  }
}

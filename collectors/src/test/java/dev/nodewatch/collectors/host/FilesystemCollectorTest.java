package dev.nodewatch.collectors.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodewatch.collectors.host.FilesystemCollector.FsStats;
import dev.nodewatch.collectors.host.FilesystemCollector.Mount;
import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.Sample;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class FilesystemCollectorTest {

  private final SkippedLines skipped = new SkippedLines();
  private final HostPaths paths = HostFixtures.paths("fs");

  private FilesystemCollector collector(FilesystemCollector.StatFs statFs, Duration timeout) {
    return new FilesystemCollector(paths, skipped, FilesystemConfig.defaults(), statFs, timeout);
  }

  private static FsStats stats(Path p) {
    return new FsStats(1000, 400, 300, 50, 20);
  }

  @Test
  void mountsComeFromTheHostMountTableMinusNodeExporterDefaultExclusions() throws Exception {
    List<Mount> mounts = collector(FilesystemCollectorTest::stats, Duration.ofSeconds(1)).mounts();
    assertThat(mounts).containsExactly(
        new Mount("/dev/vda", "/", "ext4", false),
        new Mount("/dev/vdb", "/mnt/my data", "xfs", false),
        new Mount("/dev/vda1", "/boot/efi", "vfat", true),
        new Mount("server:/export", "/mnt/nfs", "nfs4", false));
    assertThat(skipped.count("filesystem")).isEqualTo(1);
  }

  @Test
  void statsAreReportedPerMountUnderTheRootfsPrefix() throws Exception {
    List<Path> statted = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<MetricFamily> families = collector(p -> {
      statted.add(p);
      return stats(p);
    }, Duration.ofSeconds(1)).collect();
    assertThat(statted).contains(paths.rootfs().resolve("mnt/my data"), paths.rootfs());
    assertThat(HostFixtures.value(families, "node_filesystem_size_bytes",
        "device", "/dev/vdb", "fstype", "xfs", "mountpoint", "/mnt/my data")).isEqualTo(1000);
    assertThat(HostFixtures.value(families, "node_filesystem_avail_bytes", "mountpoint", "/")).isEqualTo(300);
    assertThat(HostFixtures.value(families, "node_filesystem_files_free", "mountpoint", "/")).isEqualTo(20);
    assertThat(HostFixtures.value(families, "node_filesystem_readonly", "mountpoint", "/boot/efi")).isEqualTo(1);
    assertThat(HostFixtures.value(families, "node_filesystem_device_error", "mountpoint", "/")).isZero();
    assertThat(families).extracting(MetricFamily::labelNames).containsOnly(List.of("device", "fstype", "mountpoint"));
  }

  @Test
  void aFailingStatIsADeviceErrorNotAFailedCollector() throws Exception {
    List<MetricFamily> families = collector(p -> {
      if (p.endsWith("nfs")) {
        throw new IOException("Permission denied");
      }
      return stats(p);
    }, Duration.ofSeconds(1)).collect();
    assertThat(HostFixtures.value(families, "node_filesystem_device_error", "mountpoint", "/mnt/nfs")).isEqualTo(1);
    assertThat(HostFixtures.byName(families).get("node_filesystem_size_bytes").samples())
        .extracting(Sample::labelValues).noneMatch(l -> l.contains("/mnt/nfs"));
  }

  @Test
  void aHungMountFailsOneScrapeAndIsSkippedUntilItAnswers() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    FilesystemCollector collector = collector(p -> {
      if (p.endsWith("nfs")) {
        release.await();
      }
      return stats(p);
    }, Duration.ofMillis(200));

    long start = System.nanoTime();
    assertThatThrownBy(collector::collect).isInstanceOf(IOException.class)
        .hasMessage("statfs of /mnt/nfs did not return within 200 ms; the mount is skipped until it answers");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));

    List<MetricFamily> whileStuck = collector.collect();
    assertThat(HostFixtures.value(whileStuck, "node_filesystem_device_error", "mountpoint", "/mnt/nfs")).isEqualTo(1);
    assertThat(HostFixtures.value(whileStuck, "node_filesystem_size_bytes", "mountpoint", "/")).isEqualTo(1000);

    release.countDown();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    List<MetricFamily> after = collector.collect();
    while (HostFixtures.value(after, "node_filesystem_device_error", "mountpoint", "/mnt/nfs") == 1
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
      after = collector.collect();
    }
    assertThat(HostFixtures.value(after, "node_filesystem_device_error", "mountpoint", "/mnt/nfs")).isZero();
    assertThat(HostFixtures.value(after, "node_filesystem_size_bytes", "mountpoint", "/mnt/nfs")).isEqualTo(1000);
  }

  @Test
  void realStatvfsOfTheRootMatchesTheJdk() throws Exception {
    FsStats stats = new FilesystemCollector.JnaStatFs().stat(Path.of("/"));
    java.nio.file.FileStore store = java.nio.file.Files.getFileStore(Path.of("/"));
    assertThat(stats.sizeBytes()).isEqualTo((double) store.getTotalSpace());
    assertThat(stats.files()).isPositive();
  }

  @Test
  void octalEscapesInMountPointsAreDecoded() {
    assertThat(FilesystemCollector.unescape("/mnt/a\\040b\\011c\\134d")).isEqualTo("/mnt/a b\tc\\d");
    assertThat(FilesystemCollector.unescape("/plain")).isEqualTo("/plain");
    assertThat(FilesystemCollector.unescape("/odd\\04")).isEqualTo("/odd\\04");
  }
}

package dev.nodewatch.collectors.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nodewatch.collectors.metrics.SkippedLines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Reads a real v1 cgroup the test creates on this machine, so the parsing is checked against what the kernel writes
 * and not only against fixtures. Skipped unless running as root on a host with writable v1 memory and cpuacct
 * hierarchies; removes every cgroup it made, bottom-up, whatever happens.
 */
class CgroupV1LiveTest {

  private static final Path ROOT = Path.of("/sys/fs/cgroup");

  @Test
  void aRealProcessInARealV1CgroupShowsUsageAndPids() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
    assumeTrue(Files.isWritable(ROOT.resolve("memory")) && Files.isWritable(ROOT.resolve("cpuacct"))
        && Files.isRegularFile(ROOT.resolve("memory/cgroup.procs")), "needs writable v1 memory and cpuacct");
    String top = "nodewatch-test-" + UUID.randomUUID().toString().substring(0, 8);
    Path relative = Path.of(top, "kubepods", "burstable", "pod" + UUID.randomUUID(), "c".repeat(64));
    List<String> controllers = new ArrayList<>(List.of("memory", "cpuacct"));
    if (Files.isWritable(ROOT.resolve("pids"))) {
      controllers.add("pids");
    }
    List<Path> created = new ArrayList<>();
    Process child = null;
    try {
      for (String controller : controllers) {
        Path dir = ROOT.resolve(controller);
        for (Path part : relative) {
          dir = dir.resolve(part);
          Files.createDirectory(dir);
          created.add(dir);
        }
      }
      child = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
      for (String controller : controllers) {
        Files.writeString(ROOT.resolve(controller).resolve(relative).resolve("cgroup.procs"),
            Long.toString(child.pid()));
      }
      CgroupV1Reader reader = new CgroupV1Reader(CgroupLayout.detect(ROOT), new SkippedLines());
      CgroupStats s = reader.read(relative);
      // CPU time is charged to the new cgroup only from the move on: give the busy child up to 5 s of it
      for (long deadline = System.nanoTime() + 5_000_000_000L;
          (s.cpu().usageNanos() == null || s.cpu().usageNanos() == 0) && System.nanoTime() < deadline; ) {
        Thread.sleep(100);
        s = reader.read(relative);
      }

      assertThat(s.cpu().usageNanos()).isPositive();
      assertThat(s.pids().processes()).isGreaterThanOrEqualTo(1L);
      // some sandboxed kernels report 0 bytes of memory usage, so only check that the file was read
      assertThat(s.memory().usageBytes()).isNotNull();
      if (controllers.contains("pids")) {
        assertThat(s.pids().current()).isGreaterThanOrEqualTo(1L);
      }
    } finally {
      if (child != null) {
        child.destroyForcibly();
        child.waitFor(10, TimeUnit.SECONDS);
      }
      for (int i = created.size() - 1; i >= 0; i--) {
        removeCgroup(created.get(i));
      }
    }
  }

  /** rmdir of an empty cgroup; a dying task can keep it busy for a moment, so retry briefly. */
  private static void removeCgroup(Path dir) throws Exception {
    for (int attempt = 0; ; attempt++) {
      try {
        Files.deleteIfExists(dir);
        return;
      } catch (java.nio.file.FileSystemException e) {
        if (attempt >= 50) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }
}

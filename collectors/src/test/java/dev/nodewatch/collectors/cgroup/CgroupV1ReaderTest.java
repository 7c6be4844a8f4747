package dev.nodewatch.collectors.cgroup;

import static dev.nodewatch.collectors.cgroup.CgroupTrees.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.nodewatch.collectors.metrics.SkippedLines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupV1ReaderTest {

  private static final String C = "kubepods/burstable/pod" + CgroupTrees.UID + "/" + CgroupTrees.ID;

  @TempDir
  Path root;

  private final SkippedLines skipped = new SkippedLines();

  private void fullCgroup() {
    write(root, "cpu,cpuacct/" + C + "/cpuacct.usage", "2500000000\n");
    write(root, "cpu,cpuacct/" + C + "/cpuacct.stat", "user 200\nsystem 50\n");
    write(root, "cpu,cpuacct/" + C + "/cpu.stat", "nr_periods 10\nnr_throttled 2\nthrottled_time 3000000\n");
    write(root, "cpu,cpuacct/" + C + "/cpu.cfs_period_us", "100000\n");
    write(root, "cpu,cpuacct/" + C + "/cpu.cfs_quota_us", "-1\n");
    write(root, "cpu,cpuacct/" + C + "/cpu.shares", "512\n");
    write(root, "memory/" + C + "/memory.usage_in_bytes", "10485760\n");
    write(root, "memory/" + C + "/memory.max_usage_in_bytes", "20971520\n");
    write(root, "memory/" + C + "/memory.failcnt", "3\n");
    write(root, "memory/" + C + "/memory.limit_in_bytes", "9223372036854771712\n");
    write(root, "memory/" + C + "/memory.soft_limit_in_bytes", "134217728\n");
    write(root, "memory/" + C + "/memory.memsw.usage_in_bytes", "10489856\n");
    write(root, "memory/" + C + "/memory.memsw.limit_in_bytes", "18446744073709551615\n");
    write(root, "memory/" + C + "/memory.stat", """
        cache 1
        rss 2
        total_cache 6291456
        total_rss 4194304
        total_mapped_file 1048576
        total_inactive_file 2097152
        total_swap 8192
        """);
    write(root, "memory/" + C + "/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
    write(root, "memory/" + C + "/cgroup.procs", "4242\n");
    write(root, "pids/" + C + "/pids.current", "5\n");
    write(root, "pids/" + C + "/pids.max", "1024\n");
    write(root, "blkio/" + C + "/blkio.throttle.io_service_bytes", """
        8:0 Read 4096
        8:0 Write 8192
        8:0 Sync 0
        8:0 Async 12288
        8:0 Total 12288
        Total 12288
        """);
    write(root, "blkio/" + C + "/blkio.throttle.io_serviced", "8:0 Read 1\n8:0 Write 2\n8:0 Total 3\nTotal 3\n");
  }

  @Test
  void everyControllerIsReadAtTheSameRelativePathInCadvisorUnits() throws Exception {
    fullCgroup();

    CgroupStats s = new CgroupV1Reader(CgroupLayout.detect(root), skipped).stats(Path.of(C));
    CgroupSpec spec = new CgroupV1Reader(CgroupLayout.detect(root), skipped).spec(Path.of(C));

    assertThat(s.cpu()).isEqualTo(new CgroupStats.Cpu(2_500_000_000L, 2_000_000_000L, 500_000_000L, 10L, 2L,
        3_000_000L));
    assertThat(s.memory()).isEqualTo(new CgroupStats.Memory(10485760L, 20971520L, 3L, 4194304L, 6291456L, 1048576L,
        2097152L, 4096L, 2L));
    assertThat(s.memory().workingSetBytes()).isEqualTo(10485760L - 2097152L);
    assertThat(s.pids()).isEqualTo(new CgroupStats.Pids(1L, 5L, 4242L));
    assertThat(spec).usingRecursiveComparison().ignoringFields("createdSeconds")
        .isEqualTo(new CgroupSpec(0L, 100_000L, 512L, 0L, 134217728L, 0L, 1024L, null));
    assertThat(spec.createdSeconds()).isCloseTo(System.currentTimeMillis() / 1000.0, within(600.0));
    assertThat(s.io()).containsExactly(new CgroupStats.DeviceIo(8, 0, 4096, 8192, 1, 2));
    assertThat(skipped.count(CgroupFiles.COLLECTOR)).isZero();
  }

  @Test
  void swapFallsBackToMemoryStatWithoutMemsw() throws Exception {
    fullCgroup();
    Files.delete(root.resolve("memory/" + C + "/memory.memsw.usage_in_bytes"));

    CgroupStats s = new CgroupV1Reader(CgroupLayout.detect(root), skipped).stats(Path.of(C));

    assertThat(s.memory().swapBytes()).isEqualTo(8192L);
  }

  @Test
  void anUnmountedControllerGivesNoValuesForItsFields() throws Exception {
    fullCgroup();
    deleteTree(root.resolve("pids"));
    deleteTree(root.resolve("blkio"));

    CgroupStats s = new CgroupV1Reader(CgroupLayout.detect(root), skipped).stats(Path.of(C));

    assertThat(s.pids()).isEqualTo(new CgroupStats.Pids(1L, null, 4242L));
    assertThat(s.io()).isEmpty();
    assertThat(s.memory().usageBytes()).isEqualTo(10485760L);
  }

  @Test
  void garbageInCpuStatAndBlkioIsSkippedAndCounted() throws Exception {
    fullCgroup();
    write(root, "cpu,cpuacct/" + C + "/cpu.stat", "nr_periods 10\n%%garbage%%\nnr_throttled x\n");
    write(root, "blkio/" + C + "/blkio.throttle.io_serviced", "8:0 Read 1\nnonsense\n");

    CgroupStats s = new CgroupV1Reader(CgroupLayout.detect(root), skipped).stats(Path.of(C));

    assertThat(s.cpu().periods()).isEqualTo(10L);
    assertThat(s.cpu().throttledPeriods()).isNull();
    assertThat(s.io()).containsExactly(new CgroupStats.DeviceIo(8, 0, 4096, 8192, 1, 0));
    assertThat(skipped.count(CgroupFiles.COLLECTOR)).isEqualTo(3);
  }

  @Test
  void aCgroupRemovedAfterDiscoveryReadsAsNoValuesNotAnException() throws Exception {
    fullCgroup();
    CgroupLayout layout = CgroupLayout.detect(root);
    var found = new CgroupDiscovery(layout).discover();
    assertThat(found).extracting(ContainerCgroup::path).contains(Path.of(C));
    for (String controller : new String[] {"cpu,cpuacct", "memory", "pids", "blkio"}) {
      deleteTree(root.resolve(controller).resolve(C));
    }

    CgroupStats s = new CgroupV1Reader(layout, skipped).stats(Path.of(C));

    assertThat(s.cpu().usageNanos()).isNull();
    assertThat(s.memory().usageBytes()).isNull();
    assertThat(s.pids().current()).isNull();
    assertThat(s.io()).isEmpty();
  }

  private static void deleteTree(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}

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

class CgroupV2ReaderTest {

  private static final String C = "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podx.slice/c.scope";

  @TempDir
  Path root;

  private final SkippedLines skipped = new SkippedLines();

  private void fullCgroup() {
    write(root, C + "/cpu.stat", """
        usage_usec 81234
        user_usec 60000
        system_usec 21234
        nr_periods 50
        nr_throttled 3
        throttled_usec 1500
        """);
    write(root, C + "/cpu.max", "50000 100000\n");
    write(root, C + "/cpu.weight", "39\n");
    write(root, C + "/memory.current", "10485760\n");
    write(root, C + "/memory.peak", "20971520\n");
    write(root, C + "/memory.stat", """
        anon 4194304
        file 6291456
        file_mapped 1048576
        inactive_file 2097152
        active_file 4194304
        """);
    write(root, C + "/memory.max", "268435456\n");
    write(root, C + "/memory.low", "134217728\n");
    write(root, C + "/memory.swap.current", "4096\n");
    write(root, C + "/memory.swap.max", "max\n");
    write(root, C + "/memory.events", "low 0\nhigh 0\nmax 4\noom 2\noom_kill 1\n");
    write(root, C + "/cgroup.procs", "101\n102\n");
    write(root, C + "/pids.current", "7\n");
    write(root, C + "/pids.max", "max\n");
    write(root, C + "/io.stat", "8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n"
        + "253:1 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0\n");
  }

  @Test
  void everyFileIsReadInCadvisorUnits() throws Exception {
    fullCgroup();

    CgroupStats s = new CgroupV2Reader(root, skipped).stats(Path.of(C));
    CgroupSpec spec = new CgroupV2Reader(root, skipped).spec(Path.of(C));

    assertThat(s.cpu()).isEqualTo(new CgroupStats.Cpu(81_234_000L, 60_000_000L, 21_234_000L, 50L, 3L, 1_500_000L));
    assertThat(s.memory()).isEqualTo(new CgroupStats.Memory(10485760L, 20971520L, null, 4194304L, 6291456L,
        1048576L, 2097152L, 4096L, 1L));
    assertThat(s.memory().workingSetBytes()).isEqualTo(10485760L - 2097152L);
    assertThat(s.pids()).isEqualTo(new CgroupStats.Pids(2L, 7L, 101L));
    assertThat(spec).usingRecursiveComparison().ignoringFields("createdSeconds")
        .isEqualTo(new CgroupSpec(50_000L, 100_000L, 998L, 268435456L, 134217728L, 0L, 0L, null));
    assertThat(spec.createdSeconds()).isCloseTo(System.currentTimeMillis() / 1000.0, within(600.0));
    assertThat(s.io()).containsExactly(new CgroupStats.DeviceIo(8, 0, 4096, 8192, 1, 2),
        new CgroupStats.DeviceIo(253, 1, 1, 2, 3, 4));
    assertThat(skipped.count(CgroupFiles.COLLECTOR)).isZero();
  }

  @Test
  void maxMeansUnlimitedWhichIsZero() throws Exception {
    write(root, C + "/cpu.max", "max 100000\n");
    write(root, C + "/memory.max", "max\n");

    CgroupSpec s = new CgroupV2Reader(root, skipped).spec(Path.of(C));

    assertThat(s.cpuQuotaMicros()).isZero();
    assertThat(s.cpuPeriodMicros()).isEqualTo(100_000L);
    assertThat(s.memoryLimitBytes()).isZero();
  }

  @Test
  void cpuWeightConvertsBackToSharesOverTheWholeRange() {
    assertThat(CgroupV2Reader.weightToShares(1)).isEqualTo(2);
    assertThat(CgroupV2Reader.weightToShares(10000)).isEqualTo(262144);
    assertThat(CgroupV2Reader.weightToShares(39)).isEqualTo(998);
  }

  @Test
  void garbageInCpuStatIsSkippedAndCountedWhileGoodLinesSurvive() throws Exception {
    write(root, C + "/cpu.stat", "usage_usec 100\nthis is garbage\nuser_usec lots\nsystem_usec 40\n");

    CgroupStats s = new CgroupV2Reader(root, skipped).stats(Path.of(C));

    assertThat(s.cpu().usageNanos()).isEqualTo(100_000L);
    assertThat(s.cpu().systemNanos()).isEqualTo(40_000L);
    assertThat(s.cpu().userNanos()).isNull();
    assertThat(skipped.count(CgroupFiles.COLLECTOR)).isEqualTo(2);
  }

  @Test
  void aControllerThatIsNotEnabledGivesNoValues() throws Exception {
    fullCgroup();
    Files.delete(root.resolve(C + "/pids.current"));
    Files.delete(root.resolve(C + "/pids.max"));
    Files.delete(root.resolve(C + "/io.stat"));

    CgroupStats s = new CgroupV2Reader(root, skipped).stats(Path.of(C));

    assertThat(s.pids()).isEqualTo(new CgroupStats.Pids(2L, null, 101L));
    assertThat(s.io()).isEmpty();
    assertThat(s.cpu().usageNanos()).isNotNull();
  }

  @Test
  void aCgroupRemovedAfterDiscoveryReadsAsNoValuesNotAnException() throws Exception {
    fullCgroup();
    Path dir = root.resolve(C);
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    assertThat(Files.exists(dir)).isFalse();

    CgroupStats s = new CgroupV2Reader(root, skipped).stats(Path.of(C));

    assertThat(s.cpu().usageNanos()).isNull();
    assertThat(s.memory().usageBytes()).isNull();
    assertThat(s.memory().workingSetBytes()).isNull();
    assertThat(s.pids().processes()).isNull();
    assertThat(s.io()).isEmpty();
  }

  @Test
  void workingSetNeverGoesBelowZero() {
    CgroupStats.Memory m = new CgroupStats.Memory(100L, null, null, null, null, null, 500L, null, null);
    assertThat(m.workingSetBytes()).isZero();
  }

  @Test
  void anUnreadableFileCostsOnlyItsOwnValuesAndIsCounted() throws Exception {
    fullCgroup();
    Files.delete(root.resolve(C + "/memory.stat"));
    Files.createDirectory(root.resolve(C + "/memory.stat")); // read() fails with EISDIR, as root cannot be denied

    CgroupStats s = new CgroupV2Reader(root, skipped).stats(Path.of(C));

    assertThat(s.memory().rssBytes()).isNull();
    assertThat(s.memory().usageBytes()).isEqualTo(10485760L);
    assertThat(s.cpu().usageNanos()).isEqualTo(81_234_000L);
    assertThat(skipped.count(CgroupFiles.COLLECTOR)).isEqualTo(1);
  }

  @Test
  void onAHostWithoutSwapSwapUsageIsZeroWithoutReadingIt(@TempDir Path proc) throws Exception {
    fullCgroup();
    write(proc, "swaps", "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
    HostSwap noSwap = new HostSwap(proc, System::nanoTime);
    assertThat(noSwap.getAsBoolean()).isFalse();
    assertThat(new CgroupV2Reader(root, skipped, noSwap).stats(Path.of(C)).memory().swapBytes()).isZero();

    write(proc, "swaps", "Filename Type Size Used Priority\n/swapfile file 1048572 0 -2\n");
    HostSwap swapOn = new HostSwap(proc, System::nanoTime);
    assertThat(swapOn.getAsBoolean()).isTrue();
    assertThat(new CgroupV2Reader(root, skipped, swapOn).stats(Path.of(C)).memory().swapBytes()).isEqualTo(4096L);
    assertThat(new HostSwap(proc.resolve("absent"), System::nanoTime).getAsBoolean()).as("unknown: read it").isTrue();
  }
}

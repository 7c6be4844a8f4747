package dev.nodewatch.collectors.cgroup;

import dev.nodewatch.collectors.metrics.KernelFiles;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a cgroup's stats from the unified (v2) hierarchy, converting to cAdvisor's units and v1 names:
 *
 * <pre>
 * cpu.stat     usage_usec 81234  -&gt; usageNanos 81234000
 * cpu.max      max 100000        -&gt; quotaMicros 0 (unlimited), periodMicros 100000
 * cpu.weight   79                -&gt; shares 2053
 * memory.stat  anon 1048576      -&gt; rssBytes 1048576
 * io.stat      8:0 rbytes=4096 wbytes=0 rios=1 wios=0 dbytes=0 dios=0
 * </pre>
 */
public final class CgroupV2Reader {

  private final Path root;
  private final CgroupFiles files;

  /** @param root the unified hierarchy: the cgroup root on v2 hosts, {@code <root>/unified} on hybrid ones */
  public CgroupV2Reader(Path root, SkippedLines skipped) {
    this.root = root;
    this.files = new CgroupFiles(skipped);
  }

  public CgroupStats read(Path relative) throws IOException {
    Path dir = root.resolve(relative);
    return new CgroupStats(cpu(dir), memory(dir), pids(dir), io(dir));
  }

  /**
   * cgroup v2 weight [1, 10000] back to v1 shares [2, 262144], the inverse of the mapping runc applies when kubelet
   * asks for shares, so {@code container_spec_cpu_shares} shows what the pod spec requested (1024 per CPU, rounded).
   */
  static long weightToShares(long weight) {
    return 2 + ((weight - 1) * 262142) / 9999;
  }

  private CgroupStats.Cpu cpu(Path dir) throws IOException {
    Map<String, Long> stat = files.keyed(dir.resolve("cpu.stat"));
    Long quota = null;
    Long period = null;
    List<String> max = KernelFiles.lines(dir.resolve("cpu.max"));
    if (!max.isEmpty()) {
      String[] f = max.get(0).strip().split("\\s+");
      if (f.length == 2) {
        quota = files.parse(f[0]);
        period = files.parse(f[1]);
      } else {
        files.skip();
      }
    }
    Long weight = files.number(dir.resolve("cpu.weight"));
    return new CgroupStats.Cpu(CgroupFiles.times(stat.get("usage_usec"), 1000),
        CgroupFiles.times(stat.get("user_usec"), 1000), CgroupFiles.times(stat.get("system_usec"), 1000),
        stat.get("nr_periods"), stat.get("nr_throttled"), CgroupFiles.times(stat.get("throttled_usec"), 1000),
        quota, period, weight == null || weight < 1 ? null : weightToShares(weight));
  }

  private CgroupStats.Memory memory(Path dir) throws IOException {
    Map<String, Long> stat = files.keyed(dir.resolve("memory.stat"));
    Map<String, Long> events = files.keyed(dir.resolve("memory.events"));
    return new CgroupStats.Memory(files.number(dir.resolve("memory.current")),
        files.number(dir.resolve("memory.peak")), null, stat.get("anon"), stat.get("file"), stat.get("file_mapped"),
        stat.get("inactive_file"), files.number(dir.resolve("memory.swap.current")),
        files.number(dir.resolve("memory.max")), files.number(dir.resolve("memory.low")),
        files.number(dir.resolve("memory.swap.max")), events.get("oom_kill"));
  }

  private CgroupStats.Pids pids(Path dir) throws IOException {
    return new CgroupStats.Pids(files.processes(dir), files.number(dir.resolve("pids.current")),
        files.number(dir.resolve("pids.max")));
  }

  private List<CgroupStats.DeviceIo> io(Path dir) throws IOException {
    List<CgroupStats.DeviceIo> out = new ArrayList<>();
    for (String line : KernelFiles.lines(dir.resolve("io.stat"))) {
      String[] f = line.strip().split("\\s+");
      String[] dev = f[0].split(":");
      long[] v = new long[4];
      boolean ok = dev.length == 2;
      boolean counted = false;
      for (int i = 1; i < f.length && ok; i++) {
        int eq = f[i].indexOf('=');
        Long n = eq < 0 ? null : files.parse(f[i].substring(eq + 1));
        if (n == null) {
          ok = false;
          counted = eq >= 0; // parse() already counted a non-numeric value
          break;
        }
        switch (f[i].substring(0, eq)) {
          case "rbytes" -> v[0] = n;
          case "wbytes" -> v[1] = n;
          case "rios" -> v[2] = n;
          case "wios" -> v[3] = n;
          default -> { }
        }
      }
      if (ok && dev[0].chars().allMatch(Character::isDigit) && dev[1].chars().allMatch(Character::isDigit)
          && !dev[0].isEmpty() && !dev[1].isEmpty()) {
        out.add(new CgroupStats.DeviceIo(Integer.parseInt(dev[0]), Integer.parseInt(dev[1]), v[0], v[1], v[2], v[3]));
      } else if (!line.isBlank() && !counted) {
        files.skip();
      }
    }
    return out;
  }
}

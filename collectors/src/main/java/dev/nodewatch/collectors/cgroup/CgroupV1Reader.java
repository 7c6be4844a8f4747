package dev.nodewatch.collectors.cgroup;

import dev.nodewatch.collectors.metrics.KernelFiles;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a cgroup's stats from the v1 hierarchies, each controller at the same relative path under its own mount
 * ({@code cpuacct/<path>/cpuacct.usage}, {@code memory/<path>/memory.stat}, …). A controller that is not mounted
 * gives no values for its fields. Converted to cAdvisor's units:
 *
 * <pre>
 * cpuacct.stat          user 250         -&gt; userNanos 2500000000 (USER_HZ is 100)
 * cpu.cfs_quota_us      -1               -&gt; quotaMicros 0 (unlimited)
 * memory.limit_in_bytes 9223372036854771712 -&gt; limitBytes 0 (unlimited)
 * blkio.throttle.io_service_bytes  8:0 Read 4096
 * </pre>
 */
public final class CgroupV1Reader {

  /** Nanoseconds per USER_HZ tick: the kernel reports {@code cpuacct.stat} in 1/100 s everywhere. */
  private static final long NANOS_PER_TICK = 10_000_000L;
  /**
   * v1 writes "unlimited" as the largest page-aligned 64-bit value (9223372036854771712 with 4 KiB pages, a little
   * less with 64 KiB pages); anything from 2^62 up is no real limit.
   */
  private static final long UNLIMITED = 1L << 62;

  private final CgroupLayout layout;
  private final CgroupFiles files;

  public CgroupV1Reader(CgroupLayout layout, SkippedLines skipped) {
    this.layout = layout;
    this.files = new CgroupFiles(skipped);
  }

  public CgroupStats read(Path relative) throws IOException {
    return new CgroupStats(cpu(relative), memory(relative), pids(relative), io(relative));
  }

  /** The cgroup's directory in {@code controller}'s hierarchy, or null when the controller is not mounted. */
  private Path dir(String controller, Path relative) throws IOException {
    Path hierarchy = layout.controller(controller);
    return hierarchy == null ? null : hierarchy.resolve(relative);
  }

  private Long number(Path dir, String file) throws IOException {
    return dir == null ? null : files.number(dir.resolve(file));
  }

  private Map<String, Long> keyed(Path dir, String file) throws IOException {
    return dir == null ? Map.of() : files.keyed(dir.resolve(file));
  }

  private static Long limit(Long value) {
    return value == null ? null : value < 0 || value >= UNLIMITED ? 0L : value;
  }

  private CgroupStats.Cpu cpu(Path relative) throws IOException {
    Path cpuacct = dir("cpuacct", relative);
    Path cpu = dir("cpu", relative);
    Map<String, Long> ticks = keyed(cpuacct, "cpuacct.stat");
    Map<String, Long> stat = keyed(cpu, "cpu.stat");
    return new CgroupStats.Cpu(number(cpuacct, "cpuacct.usage"), CgroupFiles.times(ticks.get("user"), NANOS_PER_TICK),
        CgroupFiles.times(ticks.get("system"), NANOS_PER_TICK), stat.get("nr_periods"), stat.get("nr_throttled"),
        stat.get("throttled_time"), limit(number(cpu, "cpu.cfs_quota_us")), number(cpu, "cpu.cfs_period_us"),
        number(cpu, "cpu.shares"));
  }

  private CgroupStats.Memory memory(Path relative) throws IOException {
    Path memory = dir("memory", relative);
    Map<String, Long> stat = keyed(memory, "memory.stat");
    Long usage = number(memory, "memory.usage_in_bytes");
    Long memsw = number(memory, "memory.memsw.usage_in_bytes");
    // not a ternary: mixing long and Long there would unbox a missing total_swap into a NullPointerException
    Long swap = stat.get("total_swap");
    if (memsw != null && usage != null) {
      swap = Math.max(0, memsw - usage);
    }
    return new CgroupStats.Memory(usage, number(memory, "memory.max_usage_in_bytes"),
        number(memory, "memory.failcnt"), stat.get("total_rss"), stat.get("total_cache"),
        stat.get("total_mapped_file"), stat.get("total_inactive_file"), swap,
        limit(number(memory, "memory.limit_in_bytes")), limit(number(memory, "memory.soft_limit_in_bytes")),
        limit(number(memory, "memory.memsw.limit_in_bytes")), oomKills(memory));
  }

  /** {@code memory.oom_control} mixes flags and counters; {@code oom_kill} exists from Linux 4.13. */
  private Long oomKills(Path memory) throws IOException {
    return keyed(memory, "memory.oom_control").get("oom_kill");
  }

  private CgroupStats.Pids pids(Path relative) throws IOException {
    Path pids = dir("pids", relative);
    // membership is the same in every hierarchy kubelet placed the container in; memory is the one discovery used
    Path members = dir("memory", relative);
    return new CgroupStats.Pids(members == null ? null : files.processes(members), number(pids, "pids.current"),
        number(pids, "pids.max"));
  }

  private List<CgroupStats.DeviceIo> io(Path relative) throws IOException {
    Path blkio = dir("blkio", relative);
    if (blkio == null) {
      return List.of();
    }
    Map<String, long[]> devices = new TreeMap<>();
    readBlkio(blkio.resolve("blkio.throttle.io_service_bytes"), devices, 0);
    readBlkio(blkio.resolve("blkio.throttle.io_serviced"), devices, 2);
    List<CgroupStats.DeviceIo> out = new ArrayList<>(devices.size());
    devices.forEach((dev, v) -> {
      String[] mm = dev.split(":");
      out.add(new CgroupStats.DeviceIo(Integer.parseInt(mm[0]), Integer.parseInt(mm[1]), v[0], v[1], v[2], v[3]));
    });
    return out;
  }

  /** Lines {@code 8:0 Read 4096}; the per-device Sync/Async/Total and the final {@code Total} line are not needed. */
  private void readBlkio(Path file, Map<String, long[]> devices, int offset) throws IOException {
    for (String line : KernelFiles.lines(file)) {
      String[] f = line.strip().split("\\s+");
      if (f.length == 2 && f[0].equals("Total")) {
        continue;
      }
      if (f.length != 3 || !f[0].matches("\\d+:\\d+")) {
        if (!line.isBlank()) {
          files.skip();
        }
        continue;
      }
      int slot = switch (f[1]) {
        case "Read" -> offset;
        case "Write" -> offset + 1;
        default -> -1;
      };
      if (slot < 0) {
        continue;
      }
      Long value = files.parse(f[2]);
      if (value != null) {
        devices.computeIfAbsent(f[0], k -> new long[4])[slot] = value;
      }
    }
  }
}

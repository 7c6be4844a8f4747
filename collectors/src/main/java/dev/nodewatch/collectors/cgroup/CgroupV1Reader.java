package dev.nodewatch.collectors.cgroup;

import dev.nodewatch.collectors.metrics.SkippedLines;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

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
public final class CgroupV1Reader implements CgroupReader {

  /** Nanoseconds per USER_HZ tick: the kernel reports {@code cpuacct.stat} in 1/100 s everywhere. */
  private static final long NANOS_PER_TICK = 10_000_000L;
  /**
   * v1 writes "unlimited" as the largest page-aligned 64-bit value (9223372036854771712 with 4 KiB pages, a little
   * less with 64 KiB pages); anything from 2^62 up is no real limit.
   */
  private static final long UNLIMITED = 1L << 62;
  private static final Pattern DEVICE = Pattern.compile("\\d{1,9}:\\d{1,9}");
  private static final List<String> CONTROLLERS = List.of("cpu", "cpuacct", "memory", "pids", "blkio");

  private final CgroupLayout layout;
  private final CgroupFiles files;
  /**
   * Each mounted controller's hierarchy, found on first use (looking it up per file cost a stat per read) and not
   * at construction, so an unreadable cgroup root fails a collection, which is retried, rather than the agent's start.
   */
  private volatile Map<String, Path> hierarchies;

  public CgroupV1Reader(CgroupLayout layout, SkippedLines skipped) {
    this.layout = layout;
    this.files = new CgroupFiles(skipped);
  }

  private Map<String, Path> hierarchies() throws IOException {
    Map<String, Path> found = hierarchies;
    if (found == null) {
      found = new HashMap<>();
      for (String controller : CONTROLLERS) {
        Path hierarchy = layout.controller(controller);
        if (hierarchy != null) {
          found.put(controller, hierarchy);
        }
      }
      hierarchies = found = Map.copyOf(found);
    }
    return found;
  }

  @Override
  public CgroupStats stats(Path relative) throws IOException {
    hierarchies();
    return new CgroupStats(cpu(relative), memory(relative), pids(relative), io(relative));
  }

  @Override
  public CgroupSpec spec(Path relative) throws IOException {
    hierarchies();
    Path cpu = dir("cpu", relative);
    Path memory = dir("memory", relative);
    Double created = memory == null ? null : CgroupV2Reader.createdSeconds(memory);
    return new CgroupSpec(limit(number(cpu, "cpu.cfs_quota_us")), number(cpu, "cpu.cfs_period_us"),
        number(cpu, "cpu.shares"), limit(number(memory, "memory.limit_in_bytes")),
        limit(number(memory, "memory.soft_limit_in_bytes")), limit(number(memory, "memory.memsw.limit_in_bytes")),
        number(dir("pids", relative), "pids.max"), created);
  }

  /** The cgroup's directory in {@code controller}'s hierarchy, or null when the controller is not mounted. */
  private Path dir(String controller, Path relative) {
    Path hierarchy = hierarchies.get(controller); // set by hierarchies() on entry
    return hierarchy == null ? null : hierarchy.resolve(relative);
  }

  private Long number(Path dir, String file) throws IOException {
    return dir == null ? null : files.number(dir.resolve(file));
  }

  private Map<String, Long> keyed(Path dir, String file, String... wanted) {
    return dir == null ? Map.of() : files.keyed(dir.resolve(file), wanted);
  }

  private static Long limit(Long value) {
    return value == null ? null : value < 0 || value >= UNLIMITED ? 0L : value;
  }

  private CgroupStats.Cpu cpu(Path relative) throws IOException {
    Path cpuacct = dir("cpuacct", relative);
    Path cpu = dir("cpu", relative);
    Map<String, Long> ticks = keyed(cpuacct, "cpuacct.stat", "user", "system");
    Map<String, Long> stat = keyed(cpu, "cpu.stat", "nr_periods", "nr_throttled", "throttled_time");
    return new CgroupStats.Cpu(number(cpuacct, "cpuacct.usage"), CgroupFiles.times(ticks.get("user"), NANOS_PER_TICK),
        CgroupFiles.times(ticks.get("system"), NANOS_PER_TICK), stat.get("nr_periods"), stat.get("nr_throttled"),
        stat.get("throttled_time"));
  }

  private CgroupStats.Memory memory(Path relative) throws IOException {
    Path memory = dir("memory", relative);
    Map<String, Long> stat = keyed(memory, "memory.stat", "total_rss", "total_cache", "total_mapped_file",
        "total_inactive_file", "total_swap");
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
        keyed(memory, "memory.oom_control", "oom_kill").get("oom_kill")); // oom_kill exists from Linux 4.13
  }

  private CgroupStats.Pids pids(Path relative) throws IOException {
    Long tasks = number(dir("pids", relative), "pids.current");
    // membership is the same in every hierarchy kubelet placed the container in; memory is the one discovery used
    Path members = dir("memory", relative);
    return members == null ? new CgroupStats.Pids(null, tasks, null) : files.members(members, tasks);
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
      int colon = dev.indexOf(':');
      out.add(new CgroupStats.DeviceIo(Integer.parseInt(dev.substring(0, colon)),
          Integer.parseInt(dev.substring(colon + 1)), v[0], v[1], v[2], v[3]));
    });
    return out;
  }

  /** Lines {@code 8:0 Read 4096}; the per-device Sync/Async/Total and the final {@code Total} line are not needed. */
  private void readBlkio(Path file, Map<String, long[]> devices, int offset) throws IOException {
    String text = files.text(file);
    if (text == null) {
      return;
    }
    CgroupFiles.forEachLine(text, line -> {
      String[] f = CgroupFiles.fields(line);
      if (f.length == 0 || f.length == 2 && f[0].equals("Total")) {
        return;
      }
      if (f.length != 3 || !DEVICE.matcher(f[0]).matches()) {
        files.skip();
        return;
      }
      int slot = switch (f[1]) {
        case "Read" -> offset;
        case "Write" -> offset + 1;
        default -> -1;
      };
      Long value = slot < 0 ? null : files.parse(f[2]);
      if (value != null) {
        devices.computeIfAbsent(f[0], k -> new long[4])[slot] = value;
      }
    });
  }
}

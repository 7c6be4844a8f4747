package dev.nodewatch.collectors.cgroup;

import dev.nodewatch.collectors.metrics.SkippedLines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Reads a cgroup from the unified (v2) hierarchy, converting to cAdvisor's units and v1 names:
 *
 * <pre>
 * cpu.stat     usage_usec 81234  -&gt; usageNanos 81234000
 * cpu.max      max 100000        -&gt; quotaMicros 0 (unlimited), periodMicros 100000
 * cpu.weight   79                -&gt; shares 2053
 * memory.stat  anon 1048576      -&gt; rssBytes 1048576
 * io.stat      8:0 rbytes=4096 wbytes=0 rios=1 wios=0 dbytes=0 dios=0
 * </pre>
 */
public final class CgroupV2Reader implements CgroupReader {

  private final Path root;
  private final CgroupFiles files;
  private final BooleanSupplier hostHasSwap;

  /**
   * @param root the unified hierarchy: the cgroup root on v2 hosts, {@code <root>/unified} on hybrid ones
   * @param hostHasSwap false when the host has no swap, so swap usage is 0 without asking each cgroup
   */
  public CgroupV2Reader(Path root, SkippedLines skipped, BooleanSupplier hostHasSwap) {
    this.root = root;
    this.files = new CgroupFiles(skipped);
    this.hostHasSwap = hostHasSwap;
  }

  /** A reader that reads every file, whatever the host's swap. */
  public CgroupV2Reader(Path root, SkippedLines skipped) {
    this(root, skipped, () -> true);
  }

  @Override
  public CgroupStats stats(Path relative) throws IOException {
    Path dir = root.resolve(relative);
    return new CgroupStats(cpu(dir), memory(dir), files.members(dir, files.number(dir.resolve("pids.current"))),
        io(dir));
  }

  @Override
  public CgroupSpec spec(Path relative) throws IOException {
    Path dir = root.resolve(relative);
    Long quota = null;
    Long period = null;
    String max = files.text(dir.resolve("cpu.max"));
    if (max != null) {
      String[] f = CgroupFiles.fields(max);
      if (f.length == 2) {
        quota = files.parse(f[0]);
        period = files.parse(f[1]);
      } else {
        files.skip();
      }
    }
    Long weight = files.number(dir.resolve("cpu.weight"));
    return new CgroupSpec(quota, period, weight == null || weight < 1 ? null : weightToShares(weight),
        files.number(dir.resolve("memory.max")), files.number(dir.resolve("memory.low")),
        files.number(dir.resolve("memory.swap.max")), files.number(dir.resolve("pids.max")), createdSeconds(dir));
  }

  /**
   * cgroup v2 weight [1, 10000] back to v1 shares [2, 262144], the inverse of the mapping runc applies when kubelet
   * asks for shares, so {@code container_spec_cpu_shares} shows what the pod spec requested (1024 per CPU, rounded).
   */
  static long weightToShares(long weight) {
    return 2 + ((weight - 1) * 262142) / 9999;
  }

  /** The directory's modification time in seconds, or null when it is gone. */
  static Double createdSeconds(Path dir) throws IOException {
    try {
      return Files.getLastModifiedTime(dir).toMillis() / 1000.0;
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private CgroupStats.Cpu cpu(Path dir) throws IOException {
    Map<String, Long> stat = files.keyed(dir.resolve("cpu.stat"), "usage_usec", "user_usec", "system_usec",
        "nr_periods", "nr_throttled", "throttled_usec");
    return new CgroupStats.Cpu(CgroupFiles.times(stat.get("usage_usec"), 1000),
        CgroupFiles.times(stat.get("user_usec"), 1000), CgroupFiles.times(stat.get("system_usec"), 1000),
        stat.get("nr_periods"), stat.get("nr_throttled"), CgroupFiles.times(stat.get("throttled_usec"), 1000));
  }

  private CgroupStats.Memory memory(Path dir) throws IOException {
    Map<String, Long> stat = files.keyed(dir.resolve("memory.stat"), "anon", "file", "file_mapped", "inactive_file");
    Map<String, Long> events = files.keyed(dir.resolve("memory.events"), "oom_kill");
    // not a ternary: mixing Long and 0L there would unbox a missing file into a NullPointerException
    Long swap = 0L;
    if (hostHasSwap.getAsBoolean()) {
      swap = files.number(dir.resolve("memory.swap.current"));
    }
    return new CgroupStats.Memory(files.number(dir.resolve("memory.current")),
        files.number(dir.resolve("memory.peak")), null, stat.get("anon"), stat.get("file"), stat.get("file_mapped"),
        stat.get("inactive_file"), swap, events.get("oom_kill"));
  }

  private List<CgroupStats.DeviceIo> io(Path dir) throws IOException {
    String text = files.text(dir.resolve("io.stat"));
    List<CgroupStats.DeviceIo> out = new ArrayList<>(2);
    if (text != null) {
      CgroupFiles.forEachLine(text, line -> ioLine(line, out));
    }
    return out;
  }

  private void ioLine(String line, List<CgroupStats.DeviceIo> out) {
    String[] f = CgroupFiles.fields(line);
    if (f.length == 0) {
      return;
    }
    int colon = f[0].indexOf(':');
    int major = colon > 0 ? digits(f[0], 0, colon) : -1;
    int minor = colon > 0 ? digits(f[0], colon + 1, f[0].length()) : -1;
    if (major < 0 || minor < 0) {
      files.skip();
      return;
    }
    long[] v = new long[4];
    for (int i = 1; i < f.length; i++) {
      int eq = f[i].indexOf('=');
      if (eq < 0) {
        files.skip();
        return;
      }
      Long n = files.parse(f[i].substring(eq + 1));
      if (n == null) {
        return; // parse() counted it
      }
      switch (f[i].substring(0, eq)) {
        case "rbytes" -> v[0] = n;
        case "wbytes" -> v[1] = n;
        case "rios" -> v[2] = n;
        case "wios" -> v[3] = n;
        default -> { }
      }
    }
    out.add(new CgroupStats.DeviceIo(major, minor, v[0], v[1], v[2], v[3]));
  }

  /** The decimal number in {@code s[from, to)}, or -1 when it is empty or not all digits. */
  private static int digits(String s, int from, int to) {
    if (from >= to || to - from > 9) {
      return -1;
    }
    int n = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }
}

package dev.nodewatch.collectors.host;

import dev.nodewatch.collectors.metrics.MetricCollector;
import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Socket counts and socket buffer memory per protocol from the host's {@code net/sockstat} and {@code net/sockstat6},
 * named as node_exporter 1.5 names them: {@code node_sockstat_sockets_used} and
 * {@code node_sockstat_<PROTOCOL>_<key>} for the keys {@code inuse}, {@code orphan}, {@code tw}, {@code alloc},
 * {@code mem} and {@code memory} (other keys a kernel may print are not exposed, as in node_exporter). All gauges,
 * unlabelled. They show socket leaks, TIME_WAIT build-up and TCP memory pressure.
 *
 * <p>{@code mem} is counted in pages; {@code node_sockstat_<PROTOCOL>_mem_bytes} is that times the page size.
 * node_exporter multiplies by the page size of the machine it runs on ({@code os.Getpagesize()}), which the JDK has
 * no supported way to ask; it is 4096 on every x86-64 kernel and on the usual arm64 ones, which is the default here,
 * and a constructor takes the real one for kernels built with 16 or 64 KiB pages. ({@code FRAG_memory} is already
 * in bytes and is exposed as it is.) As in node_exporter, a protocol line always gives {@code _inuse} (0 if the
 * kernel left it out), and only the IPv4 file's {@code sockets: used} gives {@code sockets_used}.
 *
 * <p>The files are PID 1's ({@code <procfs>/1/net/sockstat}), the host's network namespace whatever the agent's own,
 * with {@code <procfs>/net/sockstat} as the fallback; a kernel without IPv6 has no sockstat6 and yields only the IPv4
 * metrics. A line that does not parse (no key/value pairs, an odd count, a value that is not a number) is skipped
 * and counted.
 *
 * <pre>
 * # TYPE node_sockstat_TCP_inuse gauge
 * node_sockstat_TCP_inuse 4
 * # TYPE node_sockstat_TCP_mem_bytes gauge
 * node_sockstat_TCP_mem_bytes 348160
 * </pre>
 */
public final class SockstatCollector implements MetricCollector {

  /** The page size of x86-64 kernels and of most arm64 ones. */
  public static final long DEFAULT_PAGE_SIZE = 4096;

  private static final String[] KEYS = {"inuse", "orphan", "tw", "alloc", "mem", "memory"};
  private static final int INUSE = 0;
  private static final int MEM = 4;
  private static final int MAX_TOKENS = 1 + 2 * 16;
  private static final long INVALID = Long.MIN_VALUE;

  private final HostPaths paths;
  private final SkippedLines skipped;
  private final long pageSize;

  public SockstatCollector(HostPaths paths, SkippedLines skipped) {
    this(paths, skipped, DEFAULT_PAGE_SIZE);
  }

  /** @param pageSize the kernel's page size in bytes, the unit of the {@code mem} fields */
  public SockstatCollector(HostPaths paths, SkippedLines skipped, long pageSize) {
    if (pageSize <= 0) {
      throw new IllegalArgumentException("page size must be positive, got " + pageSize);
    }
    this.paths = paths;
    this.skipped = skipped;
    this.pageSize = pageSize;
  }

  @Override
  public String name() {
    return "sockstat";
  }

  @Override
  public List<MetricFamily> collect() throws IOException {
    List<MetricFamily> out = new ArrayList<>(24);
    int[] starts = new int[MAX_TOKENS];
    int[] ends = new int[MAX_TOKENS];
    long[] values = new long[KEYS.length];
    boolean[] present = new boolean[KEYS.length];
    String v4 = readNet("sockstat");
    if (v4 != null) {
      parse(v4, true, out, starts, ends, values, present);
    }
    String v6 = readNet("sockstat6");
    if (v6 != null) {
      parse(v6, false, out, starts, ends, values, present);
    }
    return out;
  }

  private void parse(String text, boolean ipv4, List<MetricFamily> out, int[] starts, int[] ends, long[] values,
      boolean[] present) {
    int pos = 0;
    int length = text.length();
    while (pos < length) {
      int eol = text.indexOf('\n', pos);
      if (eol < 0) {
        eol = length;
      }
      int lineStart = pos;
      pos = eol + 1;
      int tokens = KernelText.tokenize(text, lineStart, eol, starts, ends);
      if (tokens == 0) {
        continue;
      }
      if (tokens < 3 || tokens % 2 == 0 || tokens > MAX_TOKENS || text.charAt(ends[0] - 1) != ':'
          || ends[0] - starts[0] < 2) {
        skipped.add(name());
        continue;
      }
      String protocol = text.substring(starts[0], ends[0] - 1);
      if (protocol.equals("sockets")) {
        long used = 0;
        boolean valid = true;
        for (int t = 1; t < tokens && valid; t += 2) {
          long value = parseInt(text, starts[t + 1], ends[t + 1]);
          valid = value != INVALID;
          if (valid && ends[t] - starts[t] == 4 && text.regionMatches(starts[t], "used", 0, 4)) {
            used = value;
          }
        }
        if (!valid) {
          skipped.add(name());
        } else if (ipv4) {
          out.add(MetricFamily.single("node_sockstat_sockets_used", MetricType.GAUGE,
              "IPv4 sockets in use, all protocols.", used));
        }
        continue;
      }
      Arrays.fill(present, false);
      values[INUSE] = 0;
      present[INUSE] = true;
      boolean valid = true;
      for (int t = 1; t < tokens && valid; t += 2) {
        long value = parseInt(text, starts[t + 1], ends[t + 1]);
        valid = value != INVALID;
        int key = key(text, starts[t], ends[t]);
        if (valid && key >= 0) {
          values[key] = value;
          present[key] = true;
        }
      }
      if (!valid) {
        skipped.add(name());
        continue;
      }
      for (int k = 0; k < KEYS.length; k++) {
        if (present[k]) {
          out.add(MetricFamily.single("node_sockstat_" + protocol + "_" + KEYS[k], MetricType.GAUGE,
              help(protocol, KEYS[k]), values[k]));
        }
      }
      if (present[MEM]) {
        out.add(MetricFamily.single("node_sockstat_" + protocol + "_mem_bytes", MetricType.GAUGE,
            "Memory " + protocol + " sockets hold, in bytes.", (double) values[MEM] * pageSize));
      }
    }
  }

  private static String help(String protocol, String key) {
    return switch (key) {
      case "inuse" -> protocol + " sockets in use.";
      case "orphan" -> protocol + " sockets no longer attached to a process.";
      case "tw" -> protocol + " sockets in TIME_WAIT.";
      case "alloc" -> protocol + " sockets allocated.";
      case "mem" -> "Memory " + protocol + " sockets hold, in pages.";
      default -> "Memory " + protocol + " fragment reassembly holds, in bytes.";
    };
  }

  /** The index in {@link #KEYS} of {@code text[from, to)}, or -1 for a key not exposed. */
  private static int key(String text, int from, int to) {
    for (int k = 0; k < KEYS.length; k++) {
      String key = KEYS[k];
      if (to - from == key.length() && text.regionMatches(from, key, 0, key.length())) {
        return k;
      }
    }
    return -1;
  }

  /** A decimal integer, or {@link #INVALID} when it is not one. */
  private static long parseInt(String text, int from, int to) {
    int i = from < to && text.charAt(from) == '-' ? from + 1 : from;
    if (i == to || to - i > 18) {
      return INVALID;
    }
    long value = 0;
    for (; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return INVALID;
      }
      value = value * 10 + (c - '0');
    }
    return text.charAt(from) == '-' ? -value : value;
  }

  private String readNet(String file) throws IOException {
    return HostNetFiles.ascii(paths, file);
  }
}

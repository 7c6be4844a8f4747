package dev.nodewatch.collectors.host;

import dev.nodewatch.collectors.metrics.KernelFiles;
import dev.nodewatch.collectors.metrics.MetricCollector;
import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Netfilter connection tracking table use, as node_exporter 1.5 exposes it: {@code node_nf_conntrack_entries} and
 * {@code node_nf_conntrack_entries_limit} from {@code <procfs>/sys/net/netfilter/nf_conntrack_count} and
 * {@code nf_conntrack_max}, and the per-CPU event counters of {@code net/stat/nf_conntrack} summed over CPUs as
 * {@code node_nf_conntrack_stat_found}, {@code _invalid}, {@code _ignore}, {@code _insert}, {@code _insert_failed},
 * {@code _drop}, {@code _early_drop} and {@code _search_restart}. All gauges, unlabelled, as in node_exporter. A full
 * table drops new connections, so a node close to its limit (kube-proxy and CNI plugins rely on conntrack) is worth
 * an alert.
 *
 * <p>Without the nf_conntrack module none of these files exist and nothing is exposed. The sysctls have no per-PID
 * path: they describe the network namespace of the process reading them, so the count is the host's only for an
 * agent with {@code hostNetwork} (node_exporter has the same constraint). The statistics
 * are PID 1's, {@code <procfs>/1/net/stat/nf_conntrack}, the host's namespace, with {@code <procfs>/net/stat/...}
 * as the fallback. Its first line names the columns; each further line is one CPU's 17 hex counters (later kernels
 * renamed some unused columns without moving the ones used here). As in node_exporter 1.5, a line of any other
 * length (the 16 columns of kernels before 2.6.35) or that is not hex is not used; here it is skipped and counted,
 * and the stat families are left out when no CPU line parses.
 *
 * <pre>
 * # TYPE node_nf_conntrack_entries gauge
 * node_nf_conntrack_entries 118
 * # TYPE node_nf_conntrack_entries_limit gauge
 * node_nf_conntrack_entries_limit 262144
 * # TYPE node_nf_conntrack_stat_insert_failed gauge
 * node_nf_conntrack_stat_insert_failed 0
 * </pre>
 */
public final class ConntrackCollector implements MetricCollector {

  /** Columns of net/stat/nf_conntrack summed into the stat families, with the family each becomes. */
  private static final int[] COLUMNS = {2, 4, 5, 8, 9, 10, 11, 16};
  private static final String[] NAMES = {
      "node_nf_conntrack_stat_found", "node_nf_conntrack_stat_invalid", "node_nf_conntrack_stat_ignore",
      "node_nf_conntrack_stat_insert", "node_nf_conntrack_stat_insert_failed", "node_nf_conntrack_stat_drop",
      "node_nf_conntrack_stat_early_drop", "node_nf_conntrack_stat_search_restart"};
  private static final String[] HELPS = {
      "Lookups that found an existing connection, summed over CPUs.",
      "Packets conntrack could not track, summed over CPUs.",
      "Packets conntrack was told to leave alone (already tracked or untracked), summed over CPUs.",
      "Entries added to the table, summed over CPUs.",
      "Entries that could not be added (e.g. a racing duplicate), summed over CPUs.",
      "Packets dropped because a new entry could not be made (table full), summed over CPUs.",
      "Entries evicted early to make room in a full table, summed over CPUs.",
      "Lookups restarted because a hash resize moved entries, summed over CPUs."};
  private static final int COLUMN_COUNT = 17;

  private final HostPaths paths;
  private final SkippedLines skipped;

  public ConntrackCollector(HostPaths paths, SkippedLines skipped) {
    this.paths = paths;
    this.skipped = skipped;
  }

  @Override
  public String name() {
    return "conntrack";
  }

  @Override
  public List<MetricFamily> collect() throws IOException {
    List<MetricFamily> out = new ArrayList<>(NAMES.length + 2);
    String count = KernelFiles.asciiOrNull(paths.proc("sys/net/netfilter/nf_conntrack_count"));
    if (count == null) {
      return out;
    }
    single(count, "node_nf_conntrack_entries", "Connections in the conntrack table.", out);
    String max = KernelFiles.asciiOrNull(paths.proc("sys/net/netfilter/nf_conntrack_max"));
    if (max != null) {
      single(max, "node_nf_conntrack_entries_limit", "Size of the conntrack table: entries it holds at most.", out);
    }
    String stat = HostNetFiles.ascii(paths, "stat/nf_conntrack");
    if (stat != null) {
      stats(stat, out);
    }
    return out;
  }

  private void single(String text, String metric, String help, List<MetricFamily> out) {
    String value = text.strip();
    long parsed = parse(value, 0, value.length(), 10);
    if (parsed < 0) {
      skipped.add(name());
      return;
    }
    out.add(MetricFamily.single(metric, MetricType.GAUGE, help, parsed));
  }

  private void stats(String text, List<MetricFamily> out) {
    long[] sums = new long[COLUMNS.length];
    long[] row = new long[COLUMN_COUNT];
    boolean any = false;
    int length = text.length();
    // The first line names the columns.
    int pos = text.indexOf('\n');
    pos = pos < 0 ? length : pos + 1;
    while (pos < length) {
      int eol = text.indexOf('\n', pos);
      if (eol < 0) {
        eol = length;
      }
      int columns = hexRow(text, pos, eol, row);
      pos = eol + 1;
      if (columns == 0) {
        continue;
      }
      if (columns != COLUMN_COUNT) {
        skipped.add(name());
        continue;
      }
      for (int i = 0; i < COLUMNS.length; i++) {
        sums[i] += row[COLUMNS[i]];
      }
      any = true;
    }
    if (!any) {
      return;
    }
    for (int i = 0; i < COLUMNS.length; i++) {
      out.add(MetricFamily.single(NAMES[i], MetricType.GAUGE, HELPS[i], sums[i]));
    }
  }

  /**
   * Parses blank-separated hex numbers of {@code text[from, to)} into {@code row}; returns how many there are (more
   * than {@code row} holds: that count, unparsed), or -1 when one is not hex.
   */
  private static int hexRow(String text, int from, int to, long[] row) {
    int[] starts = new int[row.length];
    int[] ends = new int[row.length];
    int count = KernelText.tokenize(text, from, to, starts, ends);
    for (int i = 0; i < Math.min(count, row.length); i++) {
      long value = parse(text, starts[i], ends[i], 16);
      if (value < 0) {
        return -1;
      }
      row[i] = value;
    }
    return count;
  }

  /** A non-negative number in the given radix, at most 15 digits, or -1 when it is not one. */
  private static long parse(String text, int from, int to, int radix) {
    if (from == to || to - from > 15) {
      return -1;
    }
    long value = 0;
    for (int i = from; i < to; i++) {
      int digit = Character.digit(text.charAt(i), radix);
      if (digit < 0) {
        return -1;
      }
      value = value * radix + digit;
    }
    return value;
  }
}

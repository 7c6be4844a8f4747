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
 * The fields of {@code <procfs>/vmstat} that node_exporter's {@code vmstat} collector exposes by default, those
 * whose name matches {@code ^(oom_kill|pgpg|pswp|pg.*fault).*}: paging in and out, swapping in and out, page
 * faults and OOM kills. Each becomes {@code node_vmstat_<field>}, untyped as in node_exporter (the file mixes
 * counters and gauges and does not say which is which). The filter is matched on the name without a regular
 * expression; fields outside it are not parsed further.
 *
 * <p>Every line must be a name and one value; one that is not, or a wanted field whose value is not a number, is
 * skipped and counted.
 *
 * <pre>
 * # TYPE node_vmstat_pgfault untyped
 * node_vmstat_pgfault 8.680321e+06
 * # TYPE node_vmstat_oom_kill untyped
 * node_vmstat_oom_kill 0
 * </pre>
 */
public final class VmstatCollector implements MetricCollector {

  private final HostPaths paths;
  private final SkippedLines skipped;

  public VmstatCollector(HostPaths paths, SkippedLines skipped) {
    this.paths = paths;
    this.skipped = skipped;
  }

  @Override
  public String name() {
    return "vmstat";
  }

  @Override
  public List<MetricFamily> collect() throws IOException {
    List<MetricFamily> out = new ArrayList<>(8);
    for (String line : KernelFiles.lines(paths.proc("vmstat"))) {
      int space = line.indexOf(' ');
      if (space <= 0 || space == line.length() - 1 || line.indexOf(' ', space + 1) >= 0) {
        if (!line.isEmpty()) {
          skipped.add(name());
        }
        continue;
      }
      if (!wanted(line, space)) {
        continue;
      }
      double value = KernelFiles.parseDouble(line.substring(space + 1));
      if (Double.isNaN(value) || !validName(line, space)) {
        skipped.add(name());
        continue;
      }
      String field = line.substring(0, space);
      out.add(MetricFamily.single("node_vmstat_" + field, MetricType.UNTYPED,
          "Value of " + field + " in /proc/vmstat.", value));
    }
    return out;
  }

  /**
   * node_exporter's default filter {@code ^(oom_kill|pgpg|pswp|pg.*fault).*}, applied to the name (the first
   * {@code nameLength} characters, which contain no space, so a prefix found at the start lies within the name).
   */
  private static boolean wanted(String line, int nameLength) {
    if (line.startsWith("oom_kill") || line.startsWith("pgpg") || line.startsWith("pswp")) {
      return true;
    }
    if (!line.startsWith("pg")) {
      return false;
    }
    int fault = line.indexOf("fault", 2);
    return fault >= 0 && fault + 5 <= nameLength;
  }

  private static boolean validName(String line, int nameLength) {
    for (int i = 0; i < nameLength; i++) {
      char c = line.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) {
        return false;
      }
    }
    return true;
  }
}

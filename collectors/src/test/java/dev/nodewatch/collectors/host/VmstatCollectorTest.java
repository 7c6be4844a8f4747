package dev.nodewatch.collectors.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmstatCollectorTest {

  private final SkippedLines skipped = new SkippedLines();

  @TempDir
  Path tmp;

  @Test
  void exposesOnlyNodeExportersDefaultFieldsAsUntyped() throws Exception {
    List<MetricFamily> families = new VmstatCollector(HostFixtures.paths("basic"), skipped).collect();

    assertThat(families).extracting(MetricFamily::name).containsExactly("node_vmstat_pgpgin",
        "node_vmstat_pgpgout", "node_vmstat_pswpin", "node_vmstat_pswpout", "node_vmstat_pgfault",
        "node_vmstat_pgmajfault", "node_vmstat_oom_kill");
    assertThat(families).extracting(MetricFamily::type).containsOnly(MetricType.UNTYPED);
    assertThat(families).extracting(MetricFamily::labelNames).containsOnly(List.of());
    assertThat(HostFixtures.value(families, "node_vmstat_pgpgin")).isEqualTo(2009821);
    assertThat(HostFixtures.value(families, "node_vmstat_pgpgout")).isEqualTo(928804);
    assertThat(HostFixtures.value(families, "node_vmstat_pgfault")).isEqualTo(8680321);
    assertThat(HostFixtures.value(families, "node_vmstat_pgmajfault")).isEqualTo(1978);
    assertThat(HostFixtures.value(families, "node_vmstat_oom_kill")).isZero();
    assertThat(skipped.count("vmstat")).isZero();
  }

  @Test
  void theFieldFilterMatchesLikeNodeExportersRegex() throws Exception {
    Files.createDirectories(tmp.resolve("proc"));
    Files.writeString(tmp.resolve("proc/vmstat"), String.join("\n", "pgsteal_kswapd 1", "thp_fault_alloc 2",
        "pgscan_fault_x 3", "oom_kill_extra 4", "pswpin 5", "pgpgoutclean 6", "nr_pgfault 7", "pgfaul 8",
        "pg 9", ""));

    List<MetricFamily> families =
        new VmstatCollector(new HostPaths(tmp.resolve("proc"), tmp, tmp), skipped).collect();

    // ^(oom_kill|pgpg|pswp|pg.*fault).*
    assertThat(families).extracting(MetricFamily::name).containsExactly("node_vmstat_pgscan_fault_x",
        "node_vmstat_oom_kill_extra", "node_vmstat_pswpin", "node_vmstat_pgpgoutclean");
  }

  @Test
  void malformedLinesAreSkippedAndCounted() throws Exception {
    List<MetricFamily> families = new VmstatCollector(HostFixtures.paths("garbage"), skipped).collect();

    // "pgpgout many", "this line is garbage", "pgfault 100 200" and "pgmajfault" without a value
    assertThat(families).extracting(MetricFamily::name)
        .containsExactly("node_vmstat_pgpgin", "node_vmstat_pswpin", "node_vmstat_oom_kill");
    assertThat(HostFixtures.value(families, "node_vmstat_pswpin")).isEqualTo(7);
    assertThat(HostFixtures.value(families, "node_vmstat_oom_kill")).isEqualTo(2);
    assertThat(skipped.count("vmstat")).isEqualTo(4);
  }

  @Test
  void aFieldAnOldKernelLacksIsLeftOut() throws Exception {
    List<MetricFamily> families = new VmstatCollector(HostFixtures.paths("old-kernel"), skipped).collect();

    assertThat(families).extracting(MetricFamily::name).containsExactly("node_vmstat_pgpgin",
        "node_vmstat_pgpgout", "node_vmstat_pswpin", "node_vmstat_pswpout", "node_vmstat_pgfault",
        "node_vmstat_pgmajfault");
    assertThat(skipped.count("vmstat")).isZero();
  }

  @Test
  void aKernelWithoutTheFileGivesNothing() throws Exception {
    assertThat(new VmstatCollector(HostFixtures.paths("empty"), skipped).collect()).isEmpty();
  }
}

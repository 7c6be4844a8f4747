package dev.nodewatch.collectors.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import dev.nodewatch.collectors.metrics.Sample;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnameCollectorTest {

  private final SkippedLines skipped = new SkippedLines();

  @TempDir
  Path tmp;

  @Test
  void exposesTheUnameFieldsAsLabelsOfAOne() throws Exception {
    List<MetricFamily> families = new UnameCollector(HostFixtures.paths("basic"), skipped, "amd64").collect();

    // What node_exporter 1.5 shows on the machine these files were copied from.
    assertThat(families).hasSize(1);
    MetricFamily info = families.get(0);
    assertThat(info.name()).isEqualTo("node_uname_info");
    assertThat(info.type()).isEqualTo(MetricType.GAUGE);
    assertThat(info.labelNames())
        .containsExactly("domainname", "machine", "nodename", "release", "sysname", "version");
    assertThat(info.samples()).containsExactly(new Sample(
        List.of("(none)", "x86_64", "vm", "6.18.44-fc-v782", "Linux", "#1 SMP PREEMPT_DYNAMIC @0"), 1));
  }

  @Test
  void theKernelsArchFileWinsOverTheJvmArchitecture() throws Exception {
    List<MetricFamily> families = new UnameCollector(HostFixtures.paths("basic"), skipped, "x86").collect();

    assertThat(label(families, "machine")).isEqualTo("x86_64");
  }

  @Test
  void withoutTheArchFileTheMachineIsTheJvmArchitectureInTheKernelsSpelling() throws Exception {
    HostPaths old = HostFixtures.paths("old-kernel");

    assertThat(label(new UnameCollector(old, skipped, "amd64").collect(), "machine")).isEqualTo("x86_64");
    assertThat(label(new UnameCollector(old, skipped, "x86").collect(), "machine")).isEqualTo("i686");
    assertThat(label(new UnameCollector(old, skipped, "aarch64").collect(), "machine")).isEqualTo("aarch64");
    assertThat(label(new UnameCollector(old, skipped, "ppc64le").collect(), "machine")).isEqualTo("ppc64le");
    assertThat(label(new UnameCollector(old, skipped, "amd64").collect(), "nodename")).isEqualTo("node-a");
    assertThat(label(new UnameCollector(old, skipped, "amd64").collect(), "domainname"))
        .isEqualTo("example.internal");
    assertThat(label(new UnameCollector(old, skipped, "amd64").collect(), "version"))
        .isEqualTo("#1 SMP Debian 4.19.316-1 (2024-06-25)");
  }

  @Test
  void aChangedHostnameIsSeenOnTheNextCollection() throws Exception {
    Path kernel = Files.createDirectories(tmp.resolve("proc/sys/kernel"));
    Files.writeString(kernel.resolve("ostype"), "Linux\n");
    Files.writeString(kernel.resolve("osrelease"), "6.1.0\n");
    Files.writeString(kernel.resolve("hostname"), "before\n");
    UnameCollector collector = new UnameCollector(new HostPaths(tmp.resolve("proc"), tmp, tmp), skipped, "amd64");
    assertThat(label(collector.collect(), "nodename")).isEqualTo("before");

    Files.writeString(kernel.resolve("hostname"), "after\n");

    assertThat(label(collector.collect(), "nodename")).isEqualTo("after");
    assertThat(label(collector.collect(), "domainname")).isEmpty();
  }

  @Test
  void aProcfsWithoutTheKernelSysctlsGivesNothing() throws Exception {
    assertThat(new UnameCollector(HostFixtures.paths("empty"), skipped, "amd64").collect()).isEmpty();
  }

  private static String label(List<MetricFamily> families, String name) {
    MetricFamily info = families.get(0);
    return info.samples().get(0).labelValues().get(info.labelNames().indexOf(name));
  }
}

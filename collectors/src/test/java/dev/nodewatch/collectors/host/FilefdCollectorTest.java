package dev.nodewatch.collectors.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class FilefdCollectorTest {

  private final SkippedLines skipped = new SkippedLines();

  @Test
  void exposesAllocatedAndMaximumFileHandlesFromFileNr() throws Exception {
    List<MetricFamily> families = new FilefdCollector(HostFixtures.paths("basic"), skipped).collect();

    assertThat(families).extracting(MetricFamily::name)
        .containsExactly("node_filefd_allocated", "node_filefd_maximum");
    assertThat(families).extracting(MetricFamily::type).containsOnly(MetricType.GAUGE);
    assertThat(HostFixtures.value(families, "node_filefd_allocated")).isEqualTo(393);
    assertThat(HostFixtures.value(families, "node_filefd_maximum")).isEqualTo(2466160);
    assertThat(skipped.count("filefd")).isZero();
  }

  @Test
  void aFieldThatIsNotANumberIsSkippedAndCounted() throws Exception {
    List<MetricFamily> families = new FilefdCollector(HostFixtures.paths("garbage"), skipped).collect();

    assertThat(families).extracting(MetricFamily::name).containsExactly("node_filefd_allocated");
    assertThat(HostFixtures.value(families, "node_filefd_allocated")).isEqualTo(1024);
    assertThat(skipped.count("filefd")).isEqualTo(1);
  }

  @Test
  void readsTheLiveKernelsSysctlFileWhole() throws Exception {
    // Integer sysctl files report size 0 and end at any non-zero offset: a reader that starts with one byte
    // would see "2" for "2466160". Fixtures are ordinary files and cannot show this; the running kernel can.
    Path fileNr = Path.of("/proc/sys/fs/file-nr");
    assumeTrue(Files.isReadable(fileNr), "needs a Linux /proc");
    String maximum;
    try (BufferedReader reader = Files.newBufferedReader(fileNr)) {
      maximum = reader.readLine().split("\\s+")[2];
    }

    List<MetricFamily> families =
        new FilefdCollector(new HostPaths(Path.of("/proc"), Path.of("/sys"), Path.of("/")), skipped).collect();

    assertThat(HostFixtures.value(families, "node_filefd_maximum")).isEqualTo(Double.parseDouble(maximum));
  }

  @Test
  void aKernelWithoutTheFileGivesNothing() throws Exception {
    assertThat(new FilefdCollector(HostFixtures.paths("old-kernel"), skipped).collect()).isEmpty();
    assertThat(skipped.count("filefd")).isZero();
  }
}

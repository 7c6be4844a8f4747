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

class EntropyCollectorTest {

  private final SkippedLines skipped = new SkippedLines();

  @Test
  void exposesAvailableEntropyAndPoolSizeInBits() throws Exception {
    List<MetricFamily> families = new EntropyCollector(HostFixtures.paths("basic"), skipped).collect();

    assertThat(families).extracting(MetricFamily::name)
        .containsExactly("node_entropy_available_bits", "node_entropy_pool_size_bits");
    assertThat(families).extracting(MetricFamily::type).containsOnly(MetricType.GAUGE);
    assertThat(HostFixtures.value(families, "node_entropy_available_bits")).isEqualTo(256);
    assertThat(HostFixtures.value(families, "node_entropy_pool_size_bits")).isEqualTo(256);
    assertThat(skipped.count("entropy")).isZero();
  }

  @Test
  void aKernelWithoutThePoolSizeFileStillGivesTheAvailableEntropy() throws Exception {
    List<MetricFamily> families = new EntropyCollector(HostFixtures.paths("old-kernel"), skipped).collect();

    assertThat(families).extracting(MetricFamily::name).containsExactly("node_entropy_available_bits");
    assertThat(HostFixtures.value(families, "node_entropy_available_bits")).isEqualTo(3841);
    assertThat(skipped.count("entropy")).isZero();
  }

  @Test
  void aValueThatIsNotANumberIsSkippedAndCounted() throws Exception {
    List<MetricFamily> families = new EntropyCollector(HostFixtures.paths("garbage"), skipped).collect();

    assertThat(families).extracting(MetricFamily::name).containsExactly("node_entropy_available_bits");
    assertThat(skipped.count("entropy")).isEqualTo(1);
  }

  @Test
  void readsTheLiveKernelsSysctlFilesWhole() throws Exception {
    // Integer sysctl files report size 0 and end at any non-zero offset; see FilefdCollectorTest.
    Path poolsize = Path.of("/proc/sys/kernel/random/poolsize");
    assumeTrue(Files.isReadable(poolsize), "needs a Linux /proc");
    String size;
    try (BufferedReader reader = Files.newBufferedReader(poolsize)) {
      size = reader.readLine().strip();
    }

    List<MetricFamily> families =
        new EntropyCollector(new HostPaths(Path.of("/proc"), Path.of("/sys"), Path.of("/")), skipped).collect();

    assertThat(HostFixtures.value(families, "node_entropy_pool_size_bits")).isEqualTo(Double.parseDouble(size));
  }

  @Test
  void aKernelWithoutTheFilesGivesNothing() throws Exception {
    assertThat(new EntropyCollector(HostFixtures.paths("empty"), skipped).collect()).isEmpty();
  }
}

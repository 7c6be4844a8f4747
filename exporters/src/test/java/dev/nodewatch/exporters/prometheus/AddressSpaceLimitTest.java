package dev.nodewatch.exporters.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AddressSpaceLimitTest {

  @TempDir
  Path dir;

  @Test
  void unlimitedIsTwoToTheSixtyFourLikeTheGoClient() throws Exception {
    Path limits = dir.resolve("limits");
    Files.writeString(limits, """
        Limit                     Soft Limit           Hard Limit           Units
        Max address space         unlimited            unlimited            bytes
        """);
    assertThat(new AddressSpaceLimit(limits).collect().get(0).samples.get(0).value)
        .isEqualTo(1.8446744073709552e19);
  }

  @Test
  void aSetLimitIsItsSoftValue() throws Exception {
    Path limits = dir.resolve("limits");
    Files.writeString(limits, "Max address space         4294967296           unlimited            bytes\n");
    assertThat(new AddressSpaceLimit(limits).collect().get(0).samples.get(0).value).isEqualTo(4294967296.0);
  }

  @Test
  void noLimitsFileMeansNoSeries() {
    assertThat(new AddressSpaceLimit(dir.resolve("absent")).collect()).isEmpty();
  }
}

package dev.nodewatch.collectors.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelFilesTest {

  @Test
  void procSysFilesThatReportSizeZeroAreReadWhole() throws Exception {
    Path fileMax = Path.of("/proc/sys/fs/file-max");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(fileMax), "needs Linux /proc/sys");
    String viaLines = Files.readAllLines(fileMax).get(0).strip();
    assertThat(KernelFiles.text(fileMax)).contains(viaLines);
    assertThat(KernelFiles.longValue(fileMax).getAsLong()).isEqualTo(Long.parseLong(viaLines));
  }

  @Test
  void largeFilesAreReadWhole(@TempDir Path dir) throws Exception {
    Path big = dir.resolve("big");
    Files.writeString(big, "x".repeat(100_000));
    assertThat(KernelFiles.text(big).orElseThrow()).hasSize(100_000);
  }

  @Test
  void missingFilesAreEmptyNotErrors(@TempDir Path dir) throws Exception {
    assertThat(KernelFiles.text(dir.resolve("nope"))).isEmpty();
    assertThat(KernelFiles.longValue(dir.resolve("nope"))).isEmpty();
    assertThat(KernelFiles.lines(dir.resolve("nope"))).isEmpty();
  }
}

package dev.nodewatch.collectors.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadBufferTest {

  @TempDir
  Path dir;

  private final ReadBuffer buffer = new ReadBuffer();

  private String read(Path file, ReadBuffer.Kind kind) throws Exception {
    int length = buffer.read(file, kind);
    return length < 0 ? null : new String(buffer.bytes(), 0, length, StandardCharsets.ISO_8859_1);
  }

  @Test
  void aFileLargerThanTheBufferIsReadWholeEitherWay() throws Exception {
    for (int size : new int[] {0, 1, 4095, 4096, 4097, 10_000, 70_000}) {
      String text = "x".repeat(size);
      Path file = Files.writeString(dir.resolve("f" + size), text);
      assertThat(read(file, ReadBuffer.Kind.ONE_RECORD)).as("one record, %d bytes", size).isEqualTo(text);
      assertThat(read(file, ReadBuffer.Kind.RECORDS)).as("records, %d bytes", size).isEqualTo(text);
    }
  }

  @Test
  void aMissingFileIsNull() throws Exception {
    assertThat(read(dir.resolve("gone"), ReadBuffer.Kind.ONE_RECORD)).isNull();
  }

  /**
   * A kernel file printed record by record and far larger than a page: the kernel ends reads short of the buffer, so
   * reading it as records must go on to end of file. /proc/kallsyms is such a file on every Linux and does not change
   * between two reads unless a module is loaded meanwhile.
   */
  @Test
  void aKernelFileOfManyRecordsIsReadToItsEnd() throws Exception {
    Path kallsyms = Path.of("/proc/kallsyms");
    assumeTrue(Files.isReadable(kallsyms), "needs Linux with a readable /proc/kallsyms");
    String expected = new String(Files.readAllBytes(kallsyms), StandardCharsets.ISO_8859_1);
    assertThat(expected.length()).isGreaterThan(8192);
    String read = read(kallsyms, ReadBuffer.Kind.RECORDS);
    assertThat(read.length()).isEqualTo(expected.length());
    assertThat(read).isEqualTo(expected);
  }
}

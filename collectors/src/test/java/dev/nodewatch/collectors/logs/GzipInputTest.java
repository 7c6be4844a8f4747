package dev.nodewatch.collectors.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading kubelet's compressed rotated files line by line, resumed at uncompressed offsets, and broken ones. */
class GzipInputTest {

  @TempDir
  Path dir;

  private Path gzip(String content) throws Exception {
    Path gz = dir.resolve("0.log.20261202-101500.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
    return gz;
  }

  private static String lines(int from, int to) {
    StringBuilder text = new StringBuilder();
    for (int i = from; i < to; i++) {
      text.append("line-").append(i).append(' ').append("z".repeat(100)).append('\n');
    }
    return text.toString();
  }

  /** Every line from {@code offset} on, read in budgets smaller than the file, as the tailer does. */
  private static List<String> readAll(LogInput input, long offset) throws Exception {
    LineReader reader = new LineReader(64 * 1024, 1 << 20);
    List<String> read = new ArrayList<>();
    long at = offset;
    while (true) {
      long next = reader.read(input, at, 64 * 1024, (bytes, from, to, truncated, end) ->
          read.add(new String(bytes, from, to - from, StandardCharsets.UTF_8)));
      if (next == at) {
        return read;
      }
      at = next;
    }
  }

  @Test
  void aCompressedFileReadsAsItsUncompressedLinesAcrossManyReads() throws Exception {
    Path gz = gzip(lines(0, 20_000));
    try (GzipInput input = new GzipInput(FileChannel.open(gz))) {
      List<String> read = readAll(input, 0);
      assertThat(read).hasSize(20_000);
      assertThat(read.get(19_999)).startsWith("line-19999 ");
      assertThat(input.size()).isEqualTo(lines(0, 20_000).length());
      assertThat(input.corruption()).isNull();
      // each read goes on where the last stopped (its unfinished last line handed back), never from the start
      assertThat(input.starts()).isEqualTo(1);
    }
  }

  @Test
  void readingResumesAtAnUncompressedOffset() throws Exception {
    Path gz = gzip(lines(0, 1_000));
    long offset = lines(0, 600).length();
    try (GzipInput input = new GzipInput(FileChannel.open(gz))) {
      assertThat(StandardCharsets.UTF_8.decode(input.head(10)).toString()).isEqualTo("line-0 zzz");
      List<String> read = readAll(input, offset);
      assertThat(read).hasSize(400);
      assertThat(input.starts()).isEqualTo(2); // once for its first bytes, once to skip to the offset and read on
      assertThat(read.get(0)).startsWith("line-600 ");
    }
  }

  @Test
  void aStreamCutShortEndsWhereItBrokeAndSaysWhy() throws Exception {
    Path gz = gzip(lines(0, 20_000));
    byte[] whole = Files.readAllBytes(gz);
    Files.write(gz, java.util.Arrays.copyOf(whole, whole.length / 2));
    try (GzipInput input = new GzipInput(FileChannel.open(gz))) {
      List<String> read = readAll(input, 0);
      assertThat(read).isNotEmpty().allMatch(l -> l.startsWith("line-") && l.length() > 100);
      assertThat(input.corruption()).isNotNull();
    }
  }

  @Test
  void aFileThatIsNotGzipHasNoContentAndSaysWhy() throws Exception {
    Path gz = dir.resolve("0.log.20261202-101500.gz");
    Files.writeString(gz, lines(0, 10));
    try (GzipInput input = new GzipInput(FileChannel.open(gz))) {
      assertThat(input.head(256).remaining()).isZero();
      assertThat(input.corruption()).isNotNull();
      assertThat(input.read(ByteBuffer.allocate(10), 0)).isEqualTo(-1);
    }
  }
}

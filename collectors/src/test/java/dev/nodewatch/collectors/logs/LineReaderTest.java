package dev.nodewatch.collectors.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against real files, appended to as a container runtime appends. */
class LineReaderTest {

  @TempDir
  Path dir;

  private record Line(String text, boolean truncated, long nextOffset) {}

  private final List<Line> lines = new ArrayList<>();

  private long read(LineReader reader, Path file, long offset, long budget) throws Exception {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return reader.read(channel, offset, budget, (b, from, to, truncated, next) ->
          lines.add(new Line(new String(b, from, to - from, StandardCharsets.UTF_8), truncated, next)));
    }
  }

  private void append(Path file, String text) throws Exception {
    Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  @Test
  void completeLinesAreHandedOutAndAnUnfinishedOneWaitsForItsNewline() throws Exception {
    Path file = dir.resolve("0.log");
    append(file, "one\ntwo\nthr");
    LineReader reader = new LineReader(8, 1024); // a small buffer: lines cross buffer boundaries

    long offset = read(reader, file, 0, Long.MAX_VALUE);
    assertThat(lines).containsExactly(new Line("one", false, 4), new Line("two", false, 8));
    assertThat(offset).isEqualTo(8);

    append(file, "ee\n\nfour\n");
    offset = read(reader, file, offset, Long.MAX_VALUE);
    assertThat(lines).extracting(Line::text).containsExactly("one", "two", "three", "", "four");
    assertThat(offset).isEqualTo(Files.size(file));
  }

  @Test
  void aFiftyMegabyteLineIsHandedOutOnceTruncatedWithoutHoldingIt() throws Exception {
    Path file = dir.resolve("0.log");
    append(file, "before\n");
    byte[] huge = new byte[50 << 20];
    java.util.Arrays.fill(huge, (byte) 'x');
    Files.write(file, huge, StandardOpenOption.APPEND);
    LineReader reader = new LineReader(64 * 1024, 1 << 20);

    // the writer has not finished the line: nothing past "before" is committed, in reads of 4 MiB at a time
    long offset = 0;
    for (int i = 0; i < 20; i++) {
      offset = read(reader, file, offset, 4 << 20);
    }
    assertThat(offset).isEqualTo(7);
    assertThat(lines).extracting(Line::text).containsExactly("before");

    append(file, "\nafter\n");
    while (offset < Files.size(file)) {
      long next = read(reader, file, offset, 4 << 20);
      assertThat(next).isGreaterThanOrEqualTo(offset);
      offset = next;
    }
    assertThat(lines).hasSize(3);
    assertThat(lines.get(1).truncated()).isTrue();
    assertThat(lines.get(1).text()).hasSize(1 << 20).matches("x+");
    assertThat(lines.get(1).nextOffset()).isEqualTo(7 + (50L << 20) + 1);
    assertThat(lines.get(2)).isEqualTo(new Line("after", false, Files.size(file)));
    assertThat(reader.truncatedBytes()).isEqualTo((50L << 20) - (1 << 20));
  }

  @Test
  void aLineLongerThanTheLimitButShorterThanTheBufferIsTruncatedToo() throws Exception {
    Path file = dir.resolve("0.log");
    append(file, "0123456789abcdef\nok\n");
    LineReader reader = new LineReader(1024, 10);

    read(reader, file, 0, Long.MAX_VALUE);

    assertThat(lines).containsExactly(new Line("0123456789", true, 17), new Line("ok", false, 20));
    assertThat(reader.truncatedBytes()).isEqualTo(6);
  }

  @Test
  void aReadFromElsewhereForgetsALongLineInProgress() throws Exception {
    Path file = dir.resolve("0.log");
    append(file, "y".repeat(100));
    LineReader reader = new LineReader(16, 32);
    assertThat(read(reader, file, 0, Long.MAX_VALUE)).isZero();

    // copytruncate: the file starts over, and the tailer reads from 0 again
    Files.writeString(file, "short\n");
    assertThat(read(reader, file, 0, Long.MAX_VALUE)).isEqualTo(6);
    assertThat(lines).extracting(Line::text).containsExactly("short");
  }

  @Test
  void anUnfinishedLastLineThatDoesNotGrowIsNotNewBytesAgain() throws Exception {
    Path file = dir.resolve("0.log");
    append(file, "done\nhalf");
    LineReader reader = new LineReader(64, 1024);
    long next = read(reader, file, 0, 1 << 20);
    assertThat(reader.lastReadBytes()).isEqualTo(9);
    assertThat(read(reader, file, next, 1 << 20)).isEqualTo(next);
    assertThat(reader.lastReadBytes()).isZero(); // read again, but nothing new: a caller may sleep
    append(file, " more");
    read(reader, file, next, 1 << 20);
    assertThat(reader.lastReadBytes()).isEqualTo(5);
  }
}

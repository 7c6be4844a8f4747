package dev.nodewatch.collectors.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PartialLineJoinerTest {

  private static LogLine part(long t, LogStream stream, String text) {
    return new LogLine(t, stream, true, text.getBytes(StandardCharsets.UTF_8), false);
  }

  private static LogLine last(long t, LogStream stream, String text) {
    return new LogLine(t, stream, false, text.getBytes(StandardCharsets.UTF_8), false);
  }

  @Test
  void partsAreJoinedPerStreamWithTheFirstPartsTimestamp() {
    PartialLineJoiner joiner = new PartialLineJoiner(1024);
    assertThat(joiner.accept(part(1, LogStream.STDOUT, "hel"))).isNull();
    assertThat(joiner.accept(part(2, LogStream.STDERR, "oops "))).isNull();
    assertThat(joiner.accept(part(3, LogStream.STDOUT, "lo "))).isNull();
    assertThat(joiner.hasPending()).isTrue();
    assertThat(joiner.accept(last(4, LogStream.STDOUT, "world")))
        .isEqualTo(new JoinedLine(1, LogStream.STDOUT, "hello world", false, false));
    assertThat(joiner.accept(last(5, LogStream.STDERR, "failed")))
        .isEqualTo(new JoinedLine(2, LogStream.STDERR, "oops failed", false, false));
    assertThat(joiner.hasPending()).isFalse();
  }

  @Test
  void aLineLongerThanTheLimitKeepsItsFirstBytesAndIsMarked() {
    PartialLineJoiner joiner = new PartialLineJoiner(8);
    joiner.accept(part(1, LogStream.STDOUT, "0123"));
    joiner.accept(part(2, LogStream.STDOUT, "4567"));
    joiner.accept(part(3, LogStream.STDOUT, "89ab"));
    assertThat(joiner.accept(last(4, LogStream.STDOUT, "cd")))
        .isEqualTo(new JoinedLine(1, LogStream.STDOUT, "01234567", true, false));
    assertThat(joiner.accept(last(5, LogStream.STDOUT, "a single line over the limit")))
        .isEqualTo(new JoinedLine(5, LogStream.STDOUT, "a single", true, false));
    assertThat(joiner.truncatedBytes()).isEqualTo(6 + 20);
  }

  @Test
  void invalidUtf8IsReplacedNotDropped() {
    PartialLineJoiner joiner = new PartialLineJoiner(64);
    byte[] bytes = {'a', (byte) 0xC3, 'b', (byte) 0xFF};
    JoinedLine line = joiner.accept(new LogLine(1, LogStream.STDOUT, false, bytes, false));
    assertThat(line.message()).isEqualTo("a\uFFFDb\uFFFD");
  }

  @Test
  void aWholeAsciiLineIsPassedOnInPlaceAndAPartIsCopiedBeforeTheBufferIsReused() {
    PartialLineJoiner joiner = new PartialLineJoiner(64);
    byte[] buffer = "xx stdout F hello".getBytes(StandardCharsets.US_ASCII);
    JoinedLine whole = joiner.accept(new LogLine(1, LogStream.STDOUT, false, buffer, 12, buffer.length, false));
    assertThat(whole.bytes()).isSameAs(buffer); // no copy per line: the queue copies it from the read buffer
    assertThat(whole.message()).isEqualTo("hello");

    byte[] read = "first part|".getBytes(StandardCharsets.US_ASCII);
    assertThat(joiner.accept(new LogLine(2, LogStream.STDOUT, true, read, 0, 10, false))).isNull();
    // the next read overwrites the buffer the part was in; the pending part must not change with it
    System.arraycopy("rest      |".getBytes(StandardCharsets.US_ASCII), 0, read, 0, read.length);
    assertThat(joiner.accept(new LogLine(3, LogStream.STDOUT, false, read, 0, 4, false)))
        .isEqualTo(new JoinedLine(2, LogStream.STDOUT, "first partrest", false, false));
  }

  @Test
  void aWholeLineWithInvalidUtf8GetsItsOwnBytesAndLeavesTheBufferAsItWas() {
    PartialLineJoiner joiner = new PartialLineJoiner(64);
    byte[] buffer = {'>', 'a', (byte) 0xFF, '<'};
    JoinedLine line = joiner.accept(new LogLine(1, LogStream.STDOUT, false, buffer, 1, 3, false));
    assertThat(line.bytes()).isNotSameAs(buffer);
    assertThat(line.message()).isEqualTo("a\uFFFD");
    assertThat(buffer).containsExactly('>', 'a', (byte) 0xFF, '<');
  }
}

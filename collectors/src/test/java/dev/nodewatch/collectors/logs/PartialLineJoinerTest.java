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
}

package dev.nodewatch.collectors.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultilineJoinerTest {

  private final List<MultilineJoiner.Record> records = new ArrayList<>();
  private final MultilineJoiner joiner =
      new MultilineJoiner(new MultilineConfig("^\\d{4}-\\d{2}-\\d{2} ", Duration.ofSeconds(1)), 1000);

  private void accept(LogStream stream, String message, long offset, long nowMillis) {
    joiner.accept(new JoinedLine(offset * 1000, stream, message, false, false), offset, nowMillis * 1_000_000,
        (line, at) -> records.add(new MultilineJoiner.Record(line, at)));
  }

  @Test
  void aJavaStackTraceBecomesOneRecordThatEndsWhenTheNextRecordStarts() {
    accept(LogStream.STDERR, "2026-11-25 10:00:00 ERROR request failed", 0, 0);
    accept(LogStream.STDERR, "java.lang.IllegalStateException: boom", 40, 0);
    accept(LogStream.STDOUT, "2026-11-25 10:00:00 INFO unrelated stdout line", 80, 0);
    accept(LogStream.STDERR, "\tat shop.Cart.checkout(Cart.java:42)", 120, 0);
    accept(LogStream.STDERR, "Caused by: java.io.IOException: disk", 160, 0);
    assertThat(records).isEmpty();
    assertThat(joiner.pendingStart()).isZero();
    accept(LogStream.STDERR, "2026-11-25 10:00:01 INFO next request", 200, 0);

    assertThat(records).singleElement().satisfies(r -> {
      assertThat(r.offset()).isZero();
      assertThat(r.line().timestampNanos()).isZero();
      assertThat(r.line().message()).isEqualTo("""
          2026-11-25 10:00:00 ERROR request failed
          java.lang.IllegalStateException: boom
          \tat shop.Cart.checkout(Cart.java:42)
          Caused by: java.io.IOException: disk""");
    });
    assertThat(joiner.pendingStart()).isEqualTo(80); // the stdout record is still open
  }

  @Test
  void aRecordIsFlushedOnceNothingWasAddedForFlushAfter() {
    accept(LogStream.STDOUT, "2026-11-25 10:00:00 one", 0, 0);
    accept(LogStream.STDOUT, "  continued", 30, 500);
    joiner.flush(1_400_000_000L, false, (line, at) -> records.add(new MultilineJoiner.Record(line, at)));
    assertThat(records).isEmpty();
    joiner.flush(1_500_000_000L, false, (line, at) -> records.add(new MultilineJoiner.Record(line, at)));
    assertThat(records).extracting(r -> r.line().message()).containsExactly("2026-11-25 10:00:00 one\n  continued");
    assertThat(joiner.hasPending()).isFalse();
  }

  @Test
  void linesBeyondMaxBytesAreLeftOutAndTheRecordMarkedTruncated() {
    accept(LogStream.STDOUT, "2026-11-25 10:00:00 " + "a".repeat(900), 0, 0);
    accept(LogStream.STDOUT, "b".repeat(200), 1000, 0);
    joiner.flush(0, true, (line, at) -> records.add(new MultilineJoiner.Record(line, at)));
    assertThat(records).singleElement().satisfies(r -> {
      assertThat(r.line().message()).hasSize(1000);
      assertThat(r.line().truncated()).isTrue();
    });
  }

  @Test
  void aRecordKeepsItsFirstLineWhenTheReadBufferItCameFromIsReused() {
    byte[] buffer = "2026-11-25 10:00:00 first".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    joiner.accept(new JoinedLine(7, LogStream.STDOUT, buffer, 0, buffer.length, false, false), 0, 0,
        (line, at) -> records.add(new MultilineJoiner.Record(line, at)));
    java.util.Arrays.fill(buffer, (byte) 'x'); // the tailer's next read
    accept(LogStream.STDOUT, "  second", 30, 0);
    joiner.flush(0, true, (line, at) -> records.add(new MultilineJoiner.Record(line, at)));
    assertThat(records).singleElement().satisfies(r -> {
      assertThat(r.line().timestampNanos()).isEqualTo(7);
      assertThat(r.line().message()).isEqualTo("2026-11-25 10:00:00 first\n  second");
    });
  }
}

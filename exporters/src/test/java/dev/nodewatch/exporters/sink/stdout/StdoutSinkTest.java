package dev.nodewatch.exporters.sink.stdout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodewatch.exporters.forward.SinkException;
import dev.nodewatch.exporters.testing.SampleRecords;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StdoutSinkTest {

  @Test
  void recordsArePrintedAsTheSameNdjsonTheFileSinkWrites() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (StdoutSink sink = new StdoutSink(new PrintStream(bytes, false, StandardCharsets.UTF_8))) {
      sink.send(SampleRecords.batch(0, 2));
    }
    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(
        SampleRecords.line(0) + SampleRecords.line(1));
  }

  @Test
  void anOutputThatFailsIsARetryableError() {
    PrintStream broken = new PrintStream(new OutputStream() {
      @Override
      public void write(int b) throws java.io.IOException {
        throw new java.io.IOException("broken pipe");
      }
    });
    StdoutSink sink = new StdoutSink(broken);
    assertThatThrownBy(() -> sink.send(SampleRecords.batch(0, 1)))
        .isInstanceOfSatisfying(SinkException.class, e -> assertThat(e.kind()).isEqualTo(SinkException.Kind.RETRYABLE));
  }
}

package dev.nodewatch.exporters.sink.file;

import static org.assertj.core.api.Assertions.assertThat;

import static dev.nodewatch.exporters.testing.SampleRecords.batch;
import static dev.nodewatch.exporters.testing.SampleRecords.line;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSinkTest {

  @TempDir
  Path dir;

  @Test
  void batchesAreAppendedAsNdjsonByteForByteAndAHalfLineLeftByAKillIsCutOff() throws Exception {
    Path out = dir.resolve("sub/out.ndjson");
    try (FileSink sink = new FileSink(out)) {
      assertThat(sink.send(batch(0, 2))).isEmpty();
      assertThat(sink.send(batch(2, 1))).isEmpty();
      assertThat(sink.check()).contains(out.toString());
    }
    assertThat(Files.readString(out)).isEqualTo(line(0) + line(1) + line(2));
    Files.writeString(out, "{\"timestamp\":\"half", java.nio.file.StandardOpenOption.APPEND);
    try (FileSink sink = new FileSink(out)) {
      sink.send(batch(3, 1));
    }
    assertThat(Files.readAllLines(out, StandardCharsets.UTF_8)).hasSize(4).allMatch(l -> l.startsWith("{\"time"));
    assertThat(Files.readString(out)).endsWith(line(3));
  }
}

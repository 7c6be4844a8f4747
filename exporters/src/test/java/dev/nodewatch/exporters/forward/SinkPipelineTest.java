package dev.nodewatch.exporters.forward;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodewatch.collectors.config.ByteSize;
import dev.nodewatch.collectors.queue.FileIdentity;
import dev.nodewatch.collectors.queue.LogQueue;
import dev.nodewatch.collectors.queue.LogRecord;
import dev.nodewatch.collectors.queue.LogSource;
import dev.nodewatch.collectors.queue.QueueConfig;
import dev.nodewatch.collectors.queue.WhenFull;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real queue and a real file sink; the pipeline between them acknowledges only what the sink accepted. */
class SinkPipelineTest {

  @TempDir
  Path dir;

  private LogQueue queue;

  @BeforeEach
  void open() throws Exception {
    queue = LogQueue.open(dir.resolve("queue"), new QueueConfig(ByteSize.parse("64MiB"), WhenFull.BLOCK), "node-a",
        1 << 20);
    LogSource source = new LogSource(new FileIdentity(1, 2, 3, 4), "/var/log/pods/ns_p_u/c/0.log", "ns", "p", "u",
        "c", "id", 2, Map.of("app", "x"));
    for (int b = 0; b < 5; b++) {
      LogQueue.Batch batch = queue.batch(source);
      for (int i = 0; i < 100; i++) {
        batch.add(1_764_064_800_123_456_789L, i % 2 == 0, i == 7, false, b * 1000L + i, "m" + (b * 100 + i));
      }
      queue.append(batch, b * 1000L + 100);
    }
  }

  @AfterEach
  void close() {
    queue.close();
  }

  @Test
  void aBatchTheSinkRefusedIsRetriedAndAcknowledgedOnlyOnceAccepted() throws Exception {
    Path out = dir.resolve("out/records.ndjson");
    FileSink file = new FileSink(out);
    AtomicInteger refusals = new AtomicInteger(3);
    Sink flaky = new Sink() {
      @Override
      public void send(List<LogRecord> records) throws IOException {
        if (refusals.getAndDecrement() > 0) {
          throw new IOException("refused");
        }
        file.send(records);
      }

      @Override
      public void close() throws IOException {
        file.close();
      }
    };
    SinkPipeline pipeline = new SinkPipeline("file", queue.reader("file"), flaky, new BatchConfig(150, null),
        new RetryConfig(Duration.ofMillis(10), Duration.ofMillis(40)));
    pipeline.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (pipeline.sentEvents() < 500 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    pipeline.stop().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);

    assertThat(pipeline.sentEvents()).isEqualTo(500);
    assertThat(pipeline.failedRequests()).isEqualTo(3);
    assertThat(pipeline.retries()).isEqualTo(3);
    assertThat(queue.reader("file").lagDocuments()).isZero();
    List<String> lines = Files.readAllLines(out);
    assertThat(lines).hasSize(500);
    JsonNode first = new ObjectMapper().readTree(lines.get(0));
    assertThat(first.path("timestamp").asText()).isEqualTo("2025-11-25T10:00:00.123456789Z");
    assertThat(first.path("stream").asText()).isEqualTo("stderr");
    assertThat(first.path("message").asText()).isEqualTo("m0");
    assertThat(first.path("node").asText()).isEqualTo("node-a");
    assertThat(first.path("restart_count").asInt()).isEqualTo(2);
    assertThat(first.path("labels").path("app").asText()).isEqualTo("x");
    assertThat(first.path("file").asText()).isEqualTo("/var/log/pods/ns_p_u/c/0.log");
    assertThat(first.has("truncated")).isFalse();
    assertThat(new ObjectMapper().readTree(lines.get(7)).path("truncated").asBoolean()).isTrue();
  }

  @Test
  void aHalfWrittenRecordLeftByACrashIsCutOffBeforeAppending() throws Exception {
    Path out = dir.resolve("records.ndjson");
    Files.writeString(out, "{\"message\":\"whole\"}\n{\"message\":\"ha");
    try (FileSink sink = new FileSink(out)) {
      sink.send(queue.reader("x").poll(1).records());
    }
    List<String> lines = Files.readAllLines(out);
    assertThat(lines).hasSize(101).first().isEqualTo("{\"message\":\"whole\"}");
    ObjectMapper json = new ObjectMapper();
    for (String line : lines) {
      json.readTree(line);
    }
  }
}

package dev.nodewatch.exporters.forward;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodewatch.collectors.queue.DeadLetterQueue;
import dev.nodewatch.collectors.queue.FileIdentity;
import dev.nodewatch.collectors.queue.LogRecord;
import dev.nodewatch.collectors.queue.LogSource;
import dev.nodewatch.collectors.queue.QueueReader;
import dev.nodewatch.collectors.runtime.LoopThread;
import dev.nodewatch.collectors.runtime.RateLimitedLog;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Entries written to a real dead-letter queue and read back. */
class DeadLetterWriterTest {

  @TempDir
  Path dir;

  @Test
  void aRefusedRecordAndAnUndecodableDocumentAreKeptWithWhyAndTheErrorCut() throws Exception {
    try (DeadLetterQueue queue = DeadLetterQueue.open(dir, 7)) {
      DeadLetterWriter writer = new DeadLetterWriter("ch", queue, RetryConfig.defaults(),
          new RateLimitedLog(LoggerFactory.getLogger(getClass()), Duration.ofMinutes(1), Clock.systemUTC()));
      LoopThread loop = new LoopThread("test");
      LogRecord record = new LogRecord(1_764_064_800_000_000_000L, "stderr", "bad row", false, false, 42,
          new LogSource(new FileIdentity(1, 2, 3, 4), "/var/log/pods/ns_p_u/c/0.log", "ns", "p", "u", "c", "id", 0,
              Map.of()), "n");
      assertThat(writer.record(loop, record, "rejected", "x".repeat(5_000))).isTrue();
      assertThat(writer.undecodable(loop, new QueueReader.Undecodable(0x2a, "header ends early",
          new byte[] {1, 1, 2}))).isTrue();
      List<String> entries = new java.util.ArrayList<>();
      queue.forEach(entries::add);
      ObjectMapper json = new ObjectMapper();
      JsonNode refused = json.readTree(entries.get(0));
      assertThat(refused.path("sink").asText()).isEqualTo("ch");
      assertThat(refused.path("reason").asText()).isEqualTo("rejected");
      assertThat(refused.path("error").asText()).hasSize(DeadLetterWriter.MAX_ERROR_CHARS);
      assertThat(refused.path("record").path("message").asText()).isEqualTo("bad row");
      assertThat(refused.path("record").path("offset").asLong()).isEqualTo(42);
      JsonNode undecodable = json.readTree(entries.get(1));
      assertThat(undecodable.path("reason").asText()).isEqualTo("undecodable");
      assertThat(undecodable.path("queue_index").asText()).isEqualTo("2a");
      assertThat(undecodable.path("document_base64").binaryValue()).containsExactly(1, 1, 2);
    }
  }
}

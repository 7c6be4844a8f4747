package dev.nodewatch.exporters.forward;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodewatch.collectors.queue.FileIdentity;
import dev.nodewatch.collectors.queue.LogRecord;
import dev.nodewatch.collectors.queue.LogSource;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordJsonTest {

  private static final LogSource WEB = new LogSource(new FileIdentity(1, 2, 3, 4),
      "/var/log/pods/shop_web_u1/app/0.log", "shop", "web", "u1", "app", "containerd://c1", 3,
      Map.of("tier", "front \"end\"\n", "ünï", "☃"));
  private static final LogSource DB = new LogSource(new FileIdentity(1, 5, 3, 4),
      "/var/log/pods/shop_db_u2/pg/0.log", "shop", "db", "u2", "pg", "containerd://c2", -1, Map.of());

  private static List<JsonNode> written(List<LogRecord> records) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new RecordJson().writeLines(records, out);
    ObjectMapper mapper = new ObjectMapper();
    return out.toString(StandardCharsets.UTF_8).lines().map(line -> {
      try {
        return mapper.readTree(line);
      } catch (Exception e) {
        throw new AssertionError("not JSON: " + line, e);
      }
    }).toList();
  }

  @Test
  void everyFieldIsWrittenForEachSourceInTurnWithExactTimestamps() throws Exception {
    List<JsonNode> rows = written(List.of(
        new LogRecord(1_764_064_800_000_000_007L, "stdout", "a \"quoted\" ☃ line", false, false, 10, WEB, "n1"),
        new LogRecord(1_764_064_801_120_000_000L, "stderr", "second", true, true, 20, WEB, "n1"),
        new LogRecord(-1L, "stdout", "before 1970", false, false, 30, DB, "n1"),
        new LogRecord(Long.MAX_VALUE, "stdout", "the last nanosecond", false, false, 40, DB, "n2"),
        new LogRecord(1_764_064_800_999_999_999L, "stdout", "back to web", false, false, 50, WEB, "n2"),
        new LogRecord(1_764_115_199_000_000_001L, "stdout", "end of the day", false, false, 60, WEB, "n2"),
        new LogRecord(Long.MIN_VALUE, "stdout", "the first nanosecond", false, false, 70, WEB, "n2")));

    assertThat(rows.get(0).path("timestamp").asText()).isEqualTo("2025-11-25T10:00:00.000000007Z");
    assertThat(rows.get(0).path("message").asText()).isEqualTo("a \"quoted\" ☃ line");
    assertThat(rows.get(0).path("stream").asText()).isEqualTo("stdout");
    assertThat(rows.get(0).path("node").asText()).isEqualTo("n1");
    assertThat(rows.get(0).path("labels").path("tier").asText()).isEqualTo("front \"end\"\n");
    assertThat(rows.get(0).path("labels").path("ünï").asText()).isEqualTo("☃");
    assertThat(rows.get(0).path("restart_count").asInt()).isEqualTo(3);
    assertThat(rows.get(0).path("file").asText()).isEqualTo("/var/log/pods/shop_web_u1/app/0.log");
    assertThat(rows.get(0).path("offset").asLong()).isEqualTo(10);
    assertThat(rows.get(0).has("truncated")).isFalse();
    assertThat(rows.get(1).path("timestamp").asText()).isEqualTo("2025-11-25T10:00:01.120000000Z");
    assertThat(rows.get(1).path("stream").asText()).isEqualTo("stderr");
    assertThat(rows.get(1).path("truncated").asBoolean()).isTrue();
    assertThat(rows.get(1).path("malformed").asBoolean()).isTrue();
    assertThat(rows.get(2).path("timestamp").asText()).isEqualTo("1969-12-31T23:59:59.999999999Z");
    assertThat(rows.get(2).path("pod").asText()).isEqualTo("db");
    assertThat(rows.get(2).has("restart_count")).isFalse();
    assertThat(rows.get(2).has("labels")).isFalse();
    assertThat(rows.get(3).path("timestamp").asText()).isEqualTo("2262-04-11T23:47:16.854775807Z");
    assertThat(rows.get(3).path("node").asText()).isEqualTo("n2");
    assertThat(rows.get(4).path("timestamp").asText()).isEqualTo("2025-11-25T10:00:00.999999999Z");
    assertThat(rows.get(4).path("pod").asText()).isEqualTo("web");
    assertThat(rows.get(4).path("node").asText()).isEqualTo("n2");
    assertThat(rows.get(5).path("timestamp").asText()).isEqualTo("2025-11-25T23:59:59.000000001Z");
    assertThat(rows.get(6).path("timestamp").asText()).isEqualTo("1677-09-21T00:12:43.145224192Z");
    assertThat(rows).allSatisfy(row -> assertThat(row.fieldNames()).toIterable().startsWith("timestamp", "stream",
        "message", "node", "namespace", "pod", "pod_uid", "container", "container_id"));
  }

  @Test
  void eachLineIsOneObjectFromItsFirstByteToItsNewlineByteForByte() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RecordJson json = new RecordJson();
    json.writeLines(List.of(new LogRecord(1_764_064_800_000_000_007L, "stdout", "one", false, false, 10, DB, "n1"),
        new LogRecord(1_764_064_800_000_000_008L, "stderr", "two", false, false, 20, DB, "n1")), out);
    json.writeLines(List.of(new LogRecord(1_764_064_800_000_000_009L, "stdout", "three", false, true, 30, DB, "n1")),
        out);
    String where = "\"node\":\"n1\",\"namespace\":\"shop\",\"pod\":\"db\",\"pod_uid\":\"u2\",\"container\":\"pg\","
        + "\"container_id\":\"containerd://c2\",\"file\":\"/var/log/pods/shop_db_u2/pg/0.log\"";
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(
        "{\"timestamp\":\"2025-11-25T10:00:00.000000007Z\",\"stream\":\"stdout\",\"message\":\"one\"," + where
            + ",\"offset\":10}\n"
            + "{\"timestamp\":\"2025-11-25T10:00:00.000000008Z\",\"stream\":\"stderr\",\"message\":\"two\"," + where
            + ",\"offset\":20}\n"
            + "{\"timestamp\":\"2025-11-25T10:00:00.000000009Z\",\"stream\":\"stdout\",\"message\":\"three\"," + where
            + ",\"offset\":30,\"malformed\":true}\n");
  }
}

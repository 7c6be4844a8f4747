package dev.nodewatch.exporters.sink.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodewatch.collectors.config.ByteSize;
import dev.nodewatch.collectors.config.Secret;
import dev.nodewatch.collectors.queue.DeadLetterQueue;
import dev.nodewatch.collectors.queue.FileIdentity;
import dev.nodewatch.collectors.queue.LogQueue;
import dev.nodewatch.collectors.queue.LogSource;
import dev.nodewatch.collectors.queue.QueueConfig;
import dev.nodewatch.collectors.queue.WhenFull;
import dev.nodewatch.exporters.forward.BatchConfig;
import dev.nodewatch.exporters.forward.RetryConfig;
import dev.nodewatch.exporters.forward.SinkConfig;
import dev.nodewatch.exporters.forward.SinkSettings;
import dev.nodewatch.exporters.forward.SinkException;
import dev.nodewatch.exporters.forward.SinkMetrics;
import dev.nodewatch.exporters.sink.HttpSinkComplianceTest;
import java.net.URI;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ClickHouse sink against a real ClickHouse server started by the test: the compliance suite every HTTP sink
 * passes (through a fault-injecting front), and what is ClickHouse's own.
 */
class ClickHouseSinkTest extends HttpSinkComplianceTest {

  @TempDir
  static Path shared;

  private static ClickHouseServer server;

  private Path passwordFile;

  @BeforeAll
  static void startServer() throws Exception {
    server = ClickHouseServer.start(shared.resolve("clickhouse"));
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void writePassword() throws Exception {
    passwordFile = complianceDir.resolve("password");
    Files.writeString(passwordFile, ClickHouseServer.PASSWORD + "\n");
  }

  // ---- the compliance suite's hooks

  @Override
  protected URI upstream() {
    return URI.create(server.endpoint());
  }

  @Override
  protected SinkConfig config(String target, SinkSettings settings, String endpoint) {
    return new SinkConfig("clickhouse", settings, options(endpoint, target, passwordFile));
  }

  private static ClickHouseOptions options(String endpoint, String table, Path password) {
    return new ClickHouseOptions(endpoint, "nodewatch_test", table, ClickHouseServer.USER,
        Secret.fromPath(password.toString()), null, null, null, null, null, TIMEOUT);
  }

  @Override
  protected String contentEncoding() {
    return "gzip";
  }

  @Override
  protected ClickHouseSink open(SinkConfig config) {
    return new ClickHouseSink(vertx, config.name(), (ClickHouseOptions) config.options(), Map.of());
  }

  @Override
  protected List<String> delivered(SinkConfig config) throws Exception {
    ObjectMapper json = new ObjectMapper();
    String table = ((ClickHouseOptions) config.options()).table();
    List<String> messages = new ArrayList<>();
    for (String row : server.query("SELECT message FROM nodewatch_test." + table + " FORMAT JSONEachRow").split("\n")) {
      if (!row.isBlank()) {
        messages.add(json.readTree(row).path("message").asText());
      }
    }
    return messages;
  }

  @Override
  protected String refuseForGood(SinkConfig config) throws Exception {
    try (ClickHouseSink probe = open(config)) {
      probe.check(); // creates the table
    }
    // a column computed on insert that fails for one message: ClickHouse answers 500 with code 395
    server.query("ALTER TABLE nodewatch_test." + ((ClickHouseOptions) config.options()).table()
        + " ADD COLUMN guard UInt8 MATERIALIZED throwIf(message = '" + POISON + "')");
    return "Code: 395";
  }

  @Override
  protected SinkConfig withSecret(SinkConfig config, Path secretFile) {
    ClickHouseOptions options = (ClickHouseOptions) config.options();
    return new SinkConfig(config.type(), config.settings(), options(options.endpoint(), options.table(), secretFile));
  }

  // ---- ClickHouse's own

  private SinkConfig config(String table, int maxEvents) {
    return new SinkConfig("clickhouse", new SinkSettings("ch", new BatchConfig(maxEvents, null, null),
        new RetryConfig(Duration.ofMillis(50), Duration.ofMillis(500)), null, null),
        new ClickHouseOptions(server.endpoint(), "nodewatch_test", table, ClickHouseServer.USER,
            Secret.fromPath(passwordFile.toString()), null, null, null, null, null, Duration.ofSeconds(10)));
  }

  /** {@code pods} pods of {@code perPod} lines each, in batches of 500; line i of a pod at offset i·100. */
  private void writeRows(int pods, int perPod) {
    for (int p = 0; p < pods; p++) {
      LogSource source = new LogSource(new FileIdentity(1, 100 + p, 0, 0),
          "/var/log/pods/shop_web-" + p + "_uid-" + p + "/app/0.log", "shop", "web-" + p, "uid-" + p, "app",
          "containerd://abc" + p, 1, Map.of("app", "web", "tier", "front \"end\""));
      for (int from = 0; from < perPod; from += 500) {
        LogQueue.Batch batch = queue.batch(source);
        for (int i = from; i < Math.min(perPod, from + 500); i++) {
          String message = "line " + i + " of web-" + p + " – ünïcödé \t\"q\"";
          batch.add(1_764_064_800_123_456_789L + i, i % 10 == 0, false, false, i * 100L, message);
        }
        queue.append(batch, Math.min(perPod, from + 500) * 100L);
      }
    }
  }

  private static long count(String table) {
    try {
      return Long.parseLong(server.query("SELECT count() FROM nodewatch_test." + table).strip());
    } catch (Exception tableNotThereYet) {
      return -1;
    }
  }

  @Test
  void everyRecordArrivesInTheTableTheSinkCreates() throws Exception {
    SinkConfig config = config("logs_created", 2_000);
    try (ClickHouseSink probe = open(config)) {
      assertThat(probe.check()).startsWith("ClickHouse 18.").contains("nodewatch_test`.`logs_created` created");
      assertThat(probe.check()).contains("logs_created` exists");
    }
    writeRows(3, 4_000);
    start(config);
    await(() -> count("logs_created") == 12_000, "12,000 rows; last error: " + pipeline.lastError());
    await(() -> queue.reader("ch").lagDocuments() == 0, "all acknowledged");
    assertThat(metrics.sentEvents()).isEqualTo(12_000);
    assertThat(server.query("SELECT uniqExact(pod, offset) FROM nodewatch_test.logs_created").strip())
        .isEqualTo("12000");
    JsonNode row = new ObjectMapper().readTree(server.query("SELECT toUnixTimestamp(timestamp) AS seconds, * FROM"
        + " nodewatch_test.logs_created WHERE pod = 'web-1' AND offset = 700 FORMAT JSONEachRow"));
    assertThat(row.path("seconds").asLong()).isEqualTo(1_764_064_800L);
    assertThat(row.path("timestamp_ns").asText()).isEqualTo("1764064800123456796");
    assertThat(row.path("message").asText()).isEqualTo("line 7 of web-1 – ünïcödé \t\"q\"");
    assertThat(row.path("stream").asText()).isEqualTo("stdout");
    assertThat(row.path("node").asText()).isEqualTo("node-c");
    assertThat(row.path("namespace").asText()).isEqualTo("shop");
    assertThat(row.path("pod_uid").asText()).isEqualTo("uid-1");
    assertThat(row.path("container").asText()).isEqualTo("app");
    assertThat(row.path("container_id").asText()).isEqualTo("containerd://abc1");
    assertThat(row.path("restart_count").asInt()).isEqualTo(1);
    assertThat(row.path("file").asText()).isEqualTo("/var/log/pods/shop_web-1_uid-1/app/0.log");
    assertThat(new ObjectMapper().readTree(row.path("labels").asText()).path("tier").asText())
        .isEqualTo("front \"end\"");
    assertThat(server.query("SHOW CREATE TABLE nodewatch_test.logs_created"))
        .contains("MergeTree").contains("ORDER BY (namespace, pod, timestamp)");
  }

  @Test
  void onAFirstStartTheFirstInsertWaitsForTheCheckThatCreatesTheTable() throws Exception {
    writeRows(1, 1_000);
    start(config("logs_first_start", 1_000)); // never checked: the table does not exist
    await(() -> count("logs_first_start") == 1_000, "1,000 rows; last error: " + pipeline.lastError());
    assertThat(metrics.retries()).as("no insert failed for a table about to exist").isZero();
    assertThat(pipeline.lastError()).isEmpty();
  }

  @Test
  void aWrongPasswordIsRetriedUntilTheSecretIsFixedAndNothingIsDeadLettered() throws Exception {
    Files.writeString(passwordFile, "wrong");
    SinkConfig config = config("logs_auth", 1_000);
    try (ClickHouseSink probe = open(config)) {
      SinkException refused = org.junit.jupiter.api.Assertions.assertThrows(SinkException.class, probe::check);
      assertThat(refused.reason()).isEqualTo("unauthorized");
      assertThat(refused.getMessage()).contains("Wrong password").doesNotContain(ClickHouseServer.PASSWORD);
    }
    writeRows(1, 1_000);
    start(config);
    await(() -> metrics.failedEvents().getOrDefault("unauthorized", 0.0) >= 1_000, "refused for the password");
    assertThat(pipeline.health().healthy()).isFalse();
    Files.writeString(passwordFile, ClickHouseServer.PASSWORD); // the secret rotated: read again per request
    await(() -> count("logs_auth") == 1_000, "all rows once the password is right; " + pipeline.lastError());
    assertThat(metrics.deadLetteredEvents()).isZero();
  }

  @Test
  void aTableThatDoesNotMatchHoldsTheRecordsInTheQueueInsteadOfDeadLetteringThem() throws Exception {
    // made by an operator: fewer columns than the sink writes (fine: unknown fields are skipped) and one of the
    // wrong type (every row fails on it)
    server.query("CREATE TABLE nodewatch_test.logs_custom (timestamp DateTime, namespace String, pod UInt32,"
        + " message String) ENGINE = MergeTree PARTITION BY toDate(timestamp) ORDER BY (namespace, timestamp)");
    writeRows(1, 1_000);
    start(config("logs_custom", 1_000));
    await(() -> metrics.retries() >= 2, "retried; " + pipeline.lastError());
    assertThat(pipeline.health().healthy()).isFalse();
    assertThat(pipeline.health().detail()).contains("refuses every record");
    assertThat(metrics.deadLetteredEvents()).isZero();
    server.query("ALTER TABLE nodewatch_test.logs_custom MODIFY COLUMN pod String"); // the operator's fix
    await(() -> count("logs_custom") == 1_000, "every row once the table is fixed; " + pipeline.lastError());
    assertThat(metrics.deadLetteredEvents()).isZero();
    assertThat(server.query("SELECT DISTINCT pod FROM nodewatch_test.logs_custom").strip()).isEqualTo("web-0");
  }

  @Test
  void aTableWithoutAMessageColumnHoldsTheRecordsInsteadOfTakingRowsWithoutTheirMessage() throws Exception {
    server.query("CREATE TABLE nodewatch_test.logs_no_message (timestamp DateTime, namespace String, pod String)"
        + " ENGINE = MergeTree PARTITION BY toDate(timestamp) ORDER BY (namespace, timestamp)");
    writeRows(1, 500);
    start(config("logs_no_message", 1_000));
    await(() -> metrics.failedEvents().getOrDefault("misconfigured", 0.0) >= 500, "refused for the table");
    assertThat(count("logs_no_message")).isZero();
    assertThat(pipeline.lastError()).contains("has no column message");
    server.query("ALTER TABLE nodewatch_test.logs_no_message ADD COLUMN message String");
    await(() -> count("logs_no_message") == 500, "every row once the column exists; " + pipeline.lastError());
    assertThat(server.query("SELECT count() FROM nodewatch_test.logs_no_message WHERE message = ''").strip())
        .isEqualTo("0");
    assertThat(metrics.deadLetteredEvents()).isZero();
  }

  @Test
  void aServerOutageHoldsTheRecordsInTheQueueUntilItIsBack() throws Exception {
    SinkConfig config = config("logs_outage", 1_000);
    writeRows(1, 2_000);
    start(config);
    await(() -> count("logs_outage") == 2_000, "the first rows; " + pipeline.lastError());
    server.kill();
    try {
      writeRows(2, 3_000);
      await(() -> metrics.failedEvents().getOrDefault("connection", 0.0) > 0, "refused while down");
      assertThat(queue.reader("ch").lagDocuments()).isPositive();
    } finally {
      server.restart();
    }
    await(() -> queue.reader("ch").lagDocuments() == 0, "the backlog delivered; " + pipeline.lastError());
    // 2,000 rows before the outage, 2 x 3,000 during it
    assertThat(count("logs_outage")).isEqualTo(8_000);
    assertThat(metrics.retries()).isPositive();
  }
}

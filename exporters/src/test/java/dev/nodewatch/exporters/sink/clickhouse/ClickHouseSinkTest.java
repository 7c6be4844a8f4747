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
import dev.nodewatch.exporters.forward.SinkPipeline;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ClickHouse sink against a real ClickHouse server started by the test. */
class ClickHouseSinkTest {

  @TempDir
  static Path shared;

  private static ClickHouseServer server;
  private static Vertx vertx;

  @TempDir
  Path dir;

  private LogQueue queue;
  private DeadLetterQueue deadLetters;
  private SinkPipeline pipeline;
  private Path passwordFile;

  @BeforeAll
  static void startServer() throws Exception {
    server = ClickHouseServer.start(shared.resolve("clickhouse"));
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void open() throws Exception {
    queue = LogQueue.open(dir.resolve("queue"), new QueueConfig(ByteSize.parse("64MiB"), WhenFull.BLOCK), "node-c",
        1 << 20);
    deadLetters = DeadLetterQueue.open(dir.resolve("dead-letter"), 7);
    passwordFile = dir.resolve("password");
    Files.writeString(passwordFile, ClickHouseServer.PASSWORD + "\n");
  }

  @AfterEach
  void close() throws Exception {
    if (pipeline != null) {
      pipeline.stop().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
    deadLetters.close();
    queue.close();
  }

  private SinkConfig config(String table, int maxEvents) {
    return new SinkConfig("clickhouse", new SinkSettings("ch", new BatchConfig(maxEvents, null, null),
        new RetryConfig(Duration.ofMillis(50), Duration.ofMillis(500)), null, null),
        new ClickHouseOptions(server.endpoint(), "nodewatch_test", table, ClickHouseServer.USER,
            Secret.fromPath(passwordFile.toString()), null, null, null, Duration.ofSeconds(10)));
  }

  private ClickHouseSink open(SinkConfig config) {
    return new ClickHouseSink(vertx, config.name(), (ClickHouseOptions) config.options());
  }

  private SinkMetrics start(SinkConfig config) throws Exception {
    SinkMetrics metrics = new SinkMetrics(new SimpleMeterRegistry(), config.name());
    pipeline = new SinkPipeline(config, queue.reader(config.name()), () -> open(config), deadLetters, metrics);
    pipeline.start();
    return metrics;
  }

  /** {@code pods} pods of {@code perPod} lines each, in batches of 500; line i of a pod at offset i·100. */
  private void write(int pods, int perPod, String poison) {
    for (int p = 0; p < pods; p++) {
      LogSource source = new LogSource(new FileIdentity(1, 100 + p, 0, 0),
          "/var/log/pods/shop_web-" + p + "_uid-" + p + "/app/0.log", "shop", "web-" + p, "uid-" + p, "app",
          "containerd://abc" + p, 1, Map.of("app", "web", "tier", "front \"end\""));
      for (int from = 0; from < perPod; from += 500) {
        LogQueue.Batch batch = queue.batch(source);
        for (int i = from; i < Math.min(perPod, from + 500); i++) {
          String message = i == 77 && poison != null ? poison : "line " + i + " of web-" + p + " – ünïcödé \t\"q\"";
          batch.add(1_764_064_800_123_456_789L + i, i % 10 == 0, false, false, i * 100L, message);
        }
        queue.append(batch, Math.min(perPod, from + 500) * 100L);
      }
    }
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(condition.getAsBoolean()).as(what).isTrue();
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
    write(3, 4_000, null);
    SinkMetrics metrics = start(config);
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
    write(1, 1_000, null);
    SinkMetrics metrics = start(config("logs_first_start", 1_000)); // never checked: the table does not exist
    await(() -> count("logs_first_start") == 1_000, "1,000 rows; last error: " + pipeline.lastError());
    assertThat(metrics.retries()).as("no insert failed for a table about to exist").isZero();
    assertThat(pipeline.lastError()).isEmpty();
  }

  @Test
  void aValueClickHouseRejectsGoesToTheDeadLetterQueueAndTheRestArrive() throws Exception {
    SinkConfig config = config("logs_poison", 10_000);
    try (ClickHouseSink probe = open(config)) {
      probe.check(); // creates the table
    }
    // a column computed on insert that fails for one message: ClickHouse answers 500 with code 395
    server.query("ALTER TABLE nodewatch_test.logs_poison ADD COLUMN guard UInt8"
        + " MATERIALIZED throwIf(message = 'POISON')");
    write(2, 1_000, "POISON");
    SinkMetrics metrics = start(config);
    await(() -> metrics.deadLetteredEvents() == 2 && queue.reader("ch").lagDocuments() == 0,
        "two records dead-lettered and the rest acknowledged; last error: " + pipeline.lastError());
    assertThat(count("logs_poison")).isEqualTo(1_998);
    assertThat(server.query("SELECT count() FROM nodewatch_test.logs_poison WHERE message = 'POISON'").strip())
        .isEqualTo("0");
    List<JsonNode> dead = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    deadLetters.forEach(entry -> {
      try {
        dead.add(json.readTree(entry));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    assertThat(dead).hasSize(2).allSatisfy(d -> {
      assertThat(d.path("record").path("message").asText()).isEqualTo("POISON");
      assertThat(d.path("record").path("offset").asLong()).isEqualTo(7_700);
      assertThat(d.path("error").asText()).contains("Code: 395");
    });
    assertThat(metrics.failedEvents()).containsKey("rejected");
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
    write(1, 1_000, null);
    SinkMetrics metrics = start(config);
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
    write(1, 1_000, null);
    SinkMetrics metrics = start(config("logs_custom", 1_000));
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
    write(1, 500, null);
    SinkMetrics metrics = start(config("logs_no_message", 1_000));
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
    write(1, 2_000, null);
    SinkMetrics metrics = start(config);
    await(() -> count("logs_outage") == 2_000, "the first rows; " + pipeline.lastError());
    server.kill();
    try {
      write(2, 3_000, null);
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

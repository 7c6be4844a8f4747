package dev.nodewatch.agent;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodewatch.exporters.sink.clickhouse.ClickHouseServer;
import dev.nodewatch.exporters.sink.kafka.KafkaBroker;
import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The agent as a child process tailing a file that a writer keeps appending numbered CRI lines to, shipping them to
 * a sink (a {@code file}, or a real Kafka broker started in this JVM), and killed with SIGKILL at random moments.
 * After the last restart every numbered line must have arrived; duplicates are reported and bounded by one sink
 * batch per crash.
 */
class LogCrashSafetyIT {

  private static final int LINES = 150_000;
  private static final int CRASHES = 10;
  private static final int BATCH = 2_000;

  @TempDir
  Path dir;

  @Test
  void everyLineSurvivesTenKillsAndDuplicatesStayWithinOneBatchPerCrash() throws Exception {
    Path out = dir.resolve("out.ndjson");
    Path config = config("""
          - name: out
            type: file
            path: %s
            batch:
              max_events: %d
        """.formatted(out, BATCH));
    int[] counts = new int[LINES];
    String last = runWithKills(config, CRASHES, () -> countFile(out, counts));
    assertDelivered(counts, CRASHES, "file", last);
  }

  @Test
  void everyLineReachesARealKafkaBrokerThroughFiveKills() throws Exception {
    quietBroker();
    try (KafkaBroker broker = KafkaBroker.start(dir.resolve("kafka"))) {
      Path config = config("""
            - name: kafka
              type: kafka
              brokers: [%s]
              topic: logs.{namespace}
              compression: lz4
              batch:
                max_events: %d
          """.formatted(broker.bootstrap(), BATCH));
      int[] counts = new int[LINES];
      String last;
      try (KafkaConsumer<byte[], byte[]> consumer = consumer(broker)) {
        last = runWithKills(config, 5, () -> countKafka(consumer, counts));
      }
      assertDelivered(counts, 5, "kafka", last);
    }
  }

  @Test
  void everyLineReachesARealClickHouseThroughFiveKills() throws Exception {
    try (ClickHouseServer clickHouse = ClickHouseServer.start(dir.resolve("clickhouse"))) {
      Path password = Files.writeString(dir.resolve("password"), ClickHouseServer.PASSWORD);
      Path config = config("""
            - name: clickhouse
              type: clickhouse
              endpoint: %s
              username: %s
              password_file: %s
              database: crash
              table: logs
              batch:
                max_events: %d
          """.formatted(clickHouse.endpoint(), ClickHouseServer.USER, password, BATCH));
      clickHouse.query("CREATE DATABASE IF NOT EXISTS crash");
      int[] counts = new int[LINES];
      // while it runs, the distinct lines the table holds (a cheap query); after, every line's copies
      String last = runWithKills(config, 5, () -> distinctInClickHouse(clickHouse));
      countClickHouse(clickHouse, counts);
      assertDelivered(counts, 5, "clickhouse", last);
    }
  }

  private static int distinctInClickHouse(ClickHouseServer clickHouse) {
    try {
      return clickHouse.query("EXISTS TABLE crash.logs").strip().equals("1")
          ? Integer.parseInt(clickHouse.query("SELECT uniqExact(message) FROM crash.logs").strip()) : 0;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Counts each numbered line the table holds; returns how many distinct ones arrived. */
  private static int countClickHouse(ClickHouseServer clickHouse, int[] counts) {
    java.util.Arrays.fill(counts, 0);
    ObjectMapper json = new ObjectMapper();
    try {
      String rows = clickHouse.query("EXISTS TABLE crash.logs").strip().equals("1")
          ? clickHouse.query("SELECT namespace, message FROM crash.logs FORMAT JSONEachRow") : "";
      for (String row : rows.split("\n")) {
        if (!row.isBlank()) {
          count(json.readTree(row), counts);
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return LINES - missing(counts);
  }

  /** The agent's config: the pod's log, a fresh data dir, and {@code sinks} (YAML list items). */
  private Path config(String sinks) throws IOException {
    Path podDir = Files.createDirectories(dir.resolve("pods/shop_web-1_5e1c-77/app"));
    Path links = Files.createDirectories(dir.resolve("containers"));
    Path link = links.resolve("web-1_shop_app-" + "ef".repeat(32) + ".log");
    if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      Files.createSymbolicLink(link, podDir.resolve("0.log"));
    }
    return LogAgentConfig.write(dir.resolve("nodewatch-" + System.nanoTime() + ".yaml"),
        dir.resolve("data-" + System.nanoTime()), links, sinks);
  }

  /**
   * Has the agent ship while a writer appends, killing it {@code crashes} times, then until {@code delivered}.
   *
   * @return the end of the last run's log, for a failure's message
   */
  private String runWithKills(Path config, int crashes, java.util.function.IntSupplier delivered) throws Exception {
    Path log = dir.resolve("pods/shop_web-1_5e1c-77/app/0.log");
    Files.deleteIfExists(log);
    Files.createFile(log);
    AtomicInteger written = new AtomicInteger();
    Thread writer = new Thread(() -> writeNumberedLines(log, written), "writer");
    writer.start();
    Random random = new Random(42);
    for (int crash = 0; crash < crashes; crash++) {
      try (AgentProcess agent = AgentProcess.start(dir, "--config", config.toString())) {
        agent.awaitMetricsPort(Duration.ofSeconds(30));
        Thread.sleep(200 + random.nextInt(1200 * CRASHES / crashes));
        // AgentProcess.close() is SIGKILL (destroyForcibly): no shutdown hook, no flush
      }
    }
    writer.join();
    assertThat(written.get()).isEqualTo(LINES);
    try (AgentProcess agent = AgentProcess.start(dir, "--config", config.toString())) {
      agent.awaitMetricsPort(Duration.ofSeconds(30));
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (delivered.getAsInt() < LINES && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      agent.terminate();
      assertThat(agent.awaitExit(Duration.ofSeconds(30))).as(agent.outputTail(40)).isZero();
      delivered.getAsInt();
      return agent.outputTail(60);
    }
  }

  private static void assertDelivered(int[] counts, int crashes, String sink, String lastRun) {
    int duplicates = 0;
    for (int n : counts) {
      duplicates += Math.max(0, n - 1);
    }
    System.out.printf("crash test (%s): %d lines, %d kills, %d duplicates (bound %d)%n", sink, LINES, crashes,
        duplicates, crashes * BATCH);
    assertThat(missing(counts)).as("lines missing after %d kills; the last run's log: %s", crashes, lastRun)
        .isZero();
    assertThat(duplicates).isLessThanOrEqualTo(crashes * BATCH);
  }

  /**
   * The broker runs in this JVM, where the agent's logging is set up: its partition and state-change chatter (a few
   * hundred lines at INFO) would bury the test log. The agent's own logging quiets only the Kafka client.
   */
  private static void quietBroker() {
    for (String name : List.of("kafka", "state.change.logger", "org.apache.kafka")) {
      ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(name)).setLevel(Level.WARN);
    }
  }

  private static KafkaConsumer<byte[], byte[]> consumer(KafkaBroker broker) {
    Properties p = new Properties();
    p.put("bootstrap.servers", broker.bootstrap());
    p.put("group.id", "crash-test");
    p.put("auto.offset.reset", "earliest");
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
    consumer.subscribe(List.of("logs.shop"));
    return consumer;
  }

  /** Adds what the topic has received since the last call; returns how many distinct lines arrived so far. */
  private static int countKafka(KafkaConsumer<byte[], byte[]> consumer, int[] counts) {
    ObjectMapper json = new ObjectMapper();
    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
      try {
        count(json.readTree(record.value()), counts);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
    return LINES - missing(counts);
  }

  private static void writeNumberedLines(Path log, AtomicInteger written) {
    try (FileOutputStream out = new FileOutputStream(log.toFile(), true)) {
      long start = System.nanoTime();
      for (int i = 0; i < LINES; i++) {
        out.write(("2026-11-25T10:00:00.000000001Z stdout F line-" + i + " " + "z".repeat(100) + "\n")
            .getBytes(StandardCharsets.UTF_8));
        written.incrementAndGet();
        if (i % 1000 == 999) {
          // about 10,000 lines a second, so the writes span all the kills
          long due = start + (i + 1) * 100_000L;
          long wait = due - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
        }
      }
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Counts each numbered line in the sink's file (every line must be valid JSON); returns how many arrived. */
  private static int countFile(Path out, int[] counts) {
    java.util.Arrays.fill(counts, 0);
    if (!Files.exists(out)) {
      return 0;
    }
    ObjectMapper json = new ObjectMapper();
    try (BufferedReader reader = Files.newBufferedReader(out)) {
      String line;
      while ((line = reader.readLine()) != null) {
        count(json.readTree(line), counts);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return LINES - missing(counts);
  }

  private static void count(JsonNode record, int[] counts) {
    String message = record.path("message").asText();
    assertThat(record.path("namespace").asText()).isEqualTo("shop");
    counts[Integer.parseInt(message.substring("line-".length(), message.indexOf(' ')))]++;
  }

  private static int missing(int[] counts) {
    int missing = 0;
    for (int n : counts) {
      if (n == 0) {
        missing++;
      }
    }
    return missing;
  }
}

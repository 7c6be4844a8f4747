package dev.nodewatch.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodewatch.exporters.sink.clickhouse.ClickHouseServer;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent as a child process shipping a pod's log to a real ClickHouse server that goes down for 30 s while most
 * of 200,000 lines are written: the queue (at its 16 MiB minimum) fills, the tailer pauses with nothing dropped,
 * and after the server is back every line arrives, but the one poison line ClickHouse refuses, which lands in the
 * dead-letter queue and is printed by {@code --dead-letters}.
 */
class LogForwardingReliabilityIT {

  private static final int LINES = 200_000;
  private static final int BEFORE_OUTAGE = 20_000;
  private static final int POISON = 123_456;
  private static final String TABLE = "nodewatch_it.logs";

  @TempDir
  Path dir;

  @Test
  void aThirtySecondOutageWithAFullQueueLosesNoLineAndThePoisonLineIsDeadLettered() throws Exception {
    try (ClickHouseServer clickHouse = ClickHouseServer.start(dir.resolve("clickhouse"))) {
      Path password = Files.writeString(dir.resolve("password"), ClickHouseServer.PASSWORD);
      Path log = Files.createDirectories(dir.resolve("pods/shop_web-1_5e1c-77/app")).resolve("0.log");
      Files.createFile(log);
      Path links = Files.createDirectories(dir.resolve("containers"));
      Files.createSymbolicLink(links.resolve("web-1_shop_app-" + "ab".repeat(32) + ".log"), log);
      Path config = LogAgentConfig.write(dir.resolve("nodewatch.yaml"), dir.resolve("data"), links, """
            - name: clickhouse
              type: clickhouse
              endpoint: %s
              database: nodewatch_it
              table: logs
              username: %s
              password_file: %s
              timeout: 5s
              retry:
                max: 2s
          queue:
            max_bytes: 16MiB
          """.formatted(clickHouse.endpoint(), ClickHouseServer.USER, password), "127.0.0.1:0");

      try (AgentProcess agent = AgentProcess.start(dir, "--config", config.toString())) {
        int port = agent.awaitMetricsPort(Duration.ofSeconds(30));
        append(log, 0, BEFORE_OUTAGE);
        await(() -> count(clickHouse, "count()") == BEFORE_OUTAGE, Duration.ofSeconds(60), "the first rows", agent);
        // one message ClickHouse will refuse: a column computed on insert that throws for it
        clickHouse.query("ALTER TABLE " + TABLE + " ADD COLUMN guard UInt8 MATERIALIZED"
            + " throwIf(startsWith(message, 'POISON'))");

        clickHouse.kill();
        long outageStart = System.nanoTime();
        append(log, BEFORE_OUTAGE, LINES);
        boolean paused = false;
        while (System.nanoTime() - outageStart < TimeUnit.SECONDS.toNanos(30)) {
          paused |= metric(agent, port, "nodewatch_logs_paused") == 1;
          Thread.sleep(250);
        }
        assertThat(paused).as("the tailer paused on a full queue during the outage").isTrue();
        List<String> failed = agent.get(port, "/metrics").lines()
            .filter(l -> l.startsWith("nodewatch_sink_events_failed_total{")).toList();
        assertThat(failed).as("failures counted by reason").anyMatch(l -> l.contains("reason=\"connection\""));
        clickHouse.restart();

        await(() -> count(clickHouse, "uniqExact(offset)") == LINES - 1, Duration.ofSeconds(120),
            "every line after the outage", agent);
        long distinct = count(clickHouse, "uniqExact(offset)");
        long total = count(clickHouse, "count()");
        System.out.printf("outage test: %d lines, %d rows, %d distinct, peak RSS %d MiB%n", LINES, total, distinct,
            peakRssKib(agent.pid()) / 1024);
        assertThat(distinct).as("every line but the poison one, by its offset").isEqualTo(LINES - 1);
        assertThat(clickHouse.query("SELECT count() FROM " + TABLE + " WHERE startsWith(message, 'POISON')").strip())
            .isEqualTo("0");
        await(() -> metricOrZero(agent, port, "nodewatch_sink_events_dead_lettered_total{sink=\"clickhouse\"}") == 1,
            Duration.ofSeconds(30), "the poison line dead-lettered", agent);
        assertThat(metric(agent, port, "nodewatch_logs_dropped_lines_total")).isZero();
        assertThat(peakRssKib(agent.pid())).as("peak RSS, KiB").isLessThan(256 * 1024);
        // the password the agent read from its file appears nowhere it shows: its log through an outage and a
        // refusal, and the debug listener's pages
        int debug = agent.awaitDebugPort(Duration.ofSeconds(5));
        String sinks = agent.get(debug, "/debug/sinks");
        assertThat(sinks).contains("\"clickhouse\"");
        for (String shown : List.of(agent.output(), sinks, agent.get(debug, "/debug/config"),
            agent.get(debug, "/debug/status"))) {
          assertThat(shown).doesNotContain(ClickHouseServer.PASSWORD);
        }
        agent.terminate();
        assertThat(agent.awaitExit(Duration.ofSeconds(30))).isZero();
      }

      try (AgentProcess printer = AgentProcess.start(dir, "--config", config.toString(), "--dead-letters",
          "clickhouse")) {
        assertThat(printer.awaitExit(Duration.ofSeconds(30))).as(printer.output()).isZero();
        List<String> entries = printer.stdout();
        assertThat(entries).hasSize(1);
        JsonNode entry = new ObjectMapper().readTree(entries.get(0));
        assertThat(entry.path("record").path("message").asText()).startsWith("POISON line-" + POISON);
        assertThat(entry.path("record").path("namespace").asText()).isEqualTo("shop");
        assertThat(entry.path("error").asText()).contains("Code: 395");
        assertThat(entry.path("error").asText()).doesNotContain(ClickHouseServer.PASSWORD);
      }
    }
  }

  /** Appends CRI lines {@code from} to {@code to} (exclusive), about 200 bytes each, as fast as the disk takes. */
  private static void append(Path log, int from, int to) throws IOException {
    StringBuilder chunk = new StringBuilder();
    try (FileOutputStream out = new FileOutputStream(log.toFile(), true)) {
      for (int i = from; i < to; i++) {
        chunk.append("2026-11-25T10:00:00.000000001Z stdout F ").append(i == POISON ? "POISON " : "")
            .append("line-").append(i).append(' ').append("z".repeat(150)).append('\n');
        if (chunk.length() > 1 << 16) {
          out.write(chunk.toString().getBytes(StandardCharsets.UTF_8));
          chunk.setLength(0);
        }
      }
      out.write(chunk.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  /** An aggregate over the table, or -1 while the table or the server is not there. */
  private static long count(ClickHouseServer clickHouse, String aggregate) {
    try {
      return Long.parseLong(clickHouse.query("SELECT " + aggregate + " FROM " + TABLE).strip());
    } catch (IOException | InterruptedException | NumberFormatException notYet) {
      return -1;
    }
  }

  /** A sample's value from /metrics, by its name and labels in name order. */
  private static double metric(AgentProcess agent, int port, String series) throws Exception {
    for (String exposed : agent.get(port, "/metrics").split("\n")) {
      String line = exposed.replace(",}", "}"); // simpleclient ends a label set with a comma
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    throw new AssertionError("no " + series + " on /metrics");
  }

  private static double metricOrZero(AgentProcess agent, int port, String series) {
    try {
      return metric(agent, port, series);
    } catch (Exception | AssertionError notYet) {
      return 0;
    }
  }

  private static long peakRssKib(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmHWM for " + pid);
  }

  private static void await(java.util.function.BooleanSupplier condition, Duration timeout, String what,
      AgentProcess agent) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(condition.getAsBoolean()).as(what + "; agent output: %s", agent.output()).isTrue();
  }
}

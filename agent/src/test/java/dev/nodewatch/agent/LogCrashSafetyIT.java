package dev.nodewatch.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent as a child process tailing a file that a writer keeps appending numbered CRI lines to, shipping them to
 * a {@code file} sink, and killed with SIGKILL ten times at random moments. After the last restart every numbered
 * line must be in the sink's file; duplicates are reported and bounded by one sink batch per crash.
 */
class LogCrashSafetyIT {

  private static final int LINES = 150_000;
  private static final int CRASHES = 10;
  private static final int BATCH = 2_000;

  @TempDir
  Path dir;

  @Test
  void everyLineSurvivesTenKillsAndDuplicatesStayWithinOneBatchPerCrash() throws Exception {
    Path podDir = Files.createDirectories(dir.resolve("pods/shop_web-1_5e1c-77/app"));
    Path log = podDir.resolve("0.log");
    Files.createDirectories(dir.resolve("containers"));
    Files.createSymbolicLink(dir.resolve("containers/web-1_shop_app-" + "ef".repeat(32) + ".log"), log);
    Path out = dir.resolve("out.ndjson");
    Path config = Files.writeString(dir.resolve("nodewatch.yaml"), """
        data_dir: %s
        server:
          listen: 127.0.0.1:0
        debug:
          listen: ""
        containers:
          enabled: false
        logs:
          include: [%s/containers/*.log]
          scan_interval: 200ms
        sinks:
          - name: out
            type: file
            path: %s
            batch:
              max_events: %d
        """.formatted(dir.resolve("data"), dir, out, BATCH));

    AtomicInteger written = new AtomicInteger();
    Thread writer = new Thread(() -> writeNumberedLines(log, written), "writer");
    writer.start();
    Random random = new Random(42);
    for (int crash = 0; crash < CRASHES; crash++) {
      try (AgentProcess agent = AgentProcess.start(dir, "--config", config.toString())) {
        agent.awaitMetricsPort(Duration.ofSeconds(30));
        Thread.sleep(200 + random.nextInt(1200));
        // AgentProcess.close() is SIGKILL (destroyForcibly): no shutdown hook, no flush
      }
    }
    writer.join();
    assertThat(written.get()).isEqualTo(LINES);
    int[] counts = new int[LINES];
    try (AgentProcess agent = AgentProcess.start(dir, "--config", config.toString())) {
      agent.awaitMetricsPort(Duration.ofSeconds(30));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (missing(count(out, counts)) > 0 && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      agent.terminate();
      assertThat(agent.awaitExit(Duration.ofSeconds(30))).isZero();
    }
    count(out, counts);
    int duplicates = 0;
    for (int n : counts) {
      duplicates += Math.max(0, n - 1);
    }
    System.out.printf("crash test: %d lines, %d kills, %d duplicates (bound %d)%n", LINES, CRASHES, duplicates,
        CRASHES * BATCH);
    assertThat(missing(counts)).as("lines missing after %d kills", CRASHES).isZero();
    assertThat(duplicates).isLessThanOrEqualTo(CRASHES * BATCH);
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

  /** Counts each numbered line in the sink's file; every line must be valid JSON. */
  private static int[] count(Path out, int[] counts) throws IOException {
    java.util.Arrays.fill(counts, 0);
    if (!Files.exists(out)) {
      return counts;
    }
    ObjectMapper json = new ObjectMapper();
    try (BufferedReader reader = Files.newBufferedReader(out)) {
      String line;
      while ((line = reader.readLine()) != null) {
        JsonNode record = json.readTree(line);
        String message = record.path("message").asText();
        assertThat(record.path("namespace").asText()).isEqualTo("shop");
        int n = Integer.parseInt(message.substring("line-".length(), message.indexOf(' ')));
        counts[n]++;
      }
    }
    return counts;
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

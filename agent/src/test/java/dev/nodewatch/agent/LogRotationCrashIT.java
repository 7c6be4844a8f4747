package dev.nodewatch.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drill, as kubelet and a CRI runtime do it: a container writes 100,000 numbered CRI lines while its log
 * is rotated every 20,000 lines (renamed to {@code 0.log.<time>}, a new {@code 0.log}, every rotated file but the
 * newest compressed through {@code .gz.tmp}, the oldest deleted beyond five files), a line split P/F across each
 * rotation. The agent, shipping to a {@code file} sink, is SIGKILLed twice and stays down through rotations and
 * compressions each time, so some rotated files are never seen under their live name, some only as {@code .gz}.
 * Every line must arrive, none twice beyond one sink batch per kill, and the agent must say it lost nothing.
 */
class LogRotationCrashIT {

  private static final int LINES = 100_000;
  private static final int ROTATE_EVERY = 20_000;
  private static final int KILLS = 2;
  private static final int BATCH = 2_000;
  private static final Pattern NUMBER = Pattern.compile("^line-(\\d+) ");
  private static final DateTimeFormatter ROTATED = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
      .withZone(ZoneOffset.UTC);

  @TempDir
  Path dir;

  @Test
  void everyLineArrivesThroughFiveRotationsWithCompressionAndTwoKills() throws Exception {
    Path podDir = Files.createDirectories(dir.resolve("pods/shop_web-1_5e1c-77/app"));
    Path links = Files.createDirectories(dir.resolve("containers"));
    Files.createSymbolicLink(links.resolve("web-1_shop_app-" + "ef".repeat(32) + ".log"), podDir.resolve("0.log"));
    Path out = dir.resolve("out.ndjson");
    Path config = LogAgentConfig.write(dir.resolve("nodewatch.yaml"), dir.resolve("data"), links, """
          - name: out
            type: file
            path: %s
            batch:
              max_events: %d
        """.formatted(out, BATCH));
    Files.createFile(podDir.resolve("0.log"));
    AtomicInteger written = new AtomicInteger();
    AtomicInteger rotations = new AtomicInteger();
    // the writer waits after this many rotations until the restarted agent is ready: kubelet deletes the oldest file
    // at the fifth rotation (ten seconds here), and a start slowed by a busy machine must not turn that into a loss
    AtomicInteger holdAfter = new AtomicInteger(Integer.MAX_VALUE);
    Thread writer = new Thread(() -> writeAndRotate(podDir, written, rotations, holdAfter), "kubelet-and-runtime");
    int[] counts = new int[LINES];
    for (int kill = 0; kill < KILLS; kill++) {
      try (AgentProcess agent = AgentProcess.start(dir, "--config", config.toString())) {
        int port = agent.awaitMetricsPort(Duration.ofSeconds(30));
        agent.awaitStatus(port, "/readyz", 200, Duration.ofSeconds(120));
        holdAfter.set(Integer.MAX_VALUE);
        if (kill == 0) {
          writer.start();
        }
        // killed three quarters into a file, once it has caught up with the files before (kubelet deletes the
        // oldest at the fifth rotation: lines not read by then would be gone, not lost by the agent)
        int rotated = rotations.get();
        awaitWritten(written, rotated * ROTATE_EVERY + ROTATE_EVERY * 3 / 4);
        awaitDelivered(out, counts, rotated * ROTATE_EVERY);
        // AgentProcess.close() is SIGKILL: no shutdown hook, no flush
      }
      // down through two rotations: the file it read is renamed and then compressed, the next is never seen live
      holdAfter.set(rotations.get() + 2);
      awaitRotations(rotations, holdAfter.get());
    }
    try (AgentProcess last = AgentProcess.start(dir, "--config", config.toString())) {
      int port = last.awaitMetricsPort(Duration.ofSeconds(30));
      last.awaitStatus(port, "/readyz", 200, Duration.ofSeconds(120));
      holdAfter.set(Integer.MAX_VALUE);
      writer.join();
      assertThat(written.get()).isEqualTo(LINES);
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (count(out, counts) < LINES && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      Thread.sleep(5_500); // the per-container series follow the tailed containers every 5 s
      String metrics = last.get(port, "/metrics");
      assertThat(metrics).containsPattern(
          "nodewatch_container_log_lines_total\\{container=\"app\",namespace=\"shop\",pod=\"web-1\",?} [1-9]");
      assertThat(lostBytes(metrics)).as("nodewatch_logs_lost_bytes_total").isZero();
      assertThat(metrics).contains("nodewatch_logs_compressed_files_found_total");
      last.terminate();
      assertThat(last.awaitExit(Duration.ofSeconds(30))).isZero();
    }
    int missing = 0;
    int duplicates = 0;
    for (int n : counts) {
      missing += n == 0 ? 1 : 0;
      duplicates += Math.max(0, n - 1);
    }
    try (var files = Files.list(podDir)) {
      System.out.printf("rotation crash test: %d lines, %d rotations, %d kills, %d missing, %d duplicates (bound %d);"
          + " left on disk: %s%n", LINES, rotations.get(), KILLS, missing, duplicates, KILLS * BATCH,
          files.map(p -> p.getFileName().toString()).sorted().toList());
    }
    assertThat(missing).as("lines missing").isZero();
    assertThat(duplicates).isLessThanOrEqualTo(KILLS * BATCH);
  }

  private static void awaitWritten(AtomicInteger written, int lines) throws InterruptedException {
    while (written.get() < Math.min(lines, LINES)) {
      Thread.sleep(20);
    }
  }

  private static void awaitDelivered(Path out, int[] counts, int lines) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (count(out, counts) < lines && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }

  private static void awaitRotations(AtomicInteger rotations, int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (rotations.get() < count && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

  /** The runtime writing about 10,000 lines a second, and kubelet rotating and compressing as it does. */
  private static void writeAndRotate(Path podDir, AtomicInteger written, AtomicInteger rotations,
      AtomicInteger holdAfter) {
    Path live = podDir.resolve("0.log");
    try {
      OutputStream out = new FileOutputStream(live.toFile(), true);
      long start = System.nanoTime();
      for (int i = 0; i < LINES; i++) {
        boolean split = i % ROTATE_EVERY == ROTATE_EVERY - 1;
        String message = "line-" + i + " " + "z".repeat(100);
        if (split) {
          // half the line before the rotation, its end in the new file
          out.write(cri(i, 'P', message.substring(0, 40)));
          out.close();
          Path rotated = podDir.resolve("0.log." + ROTATED.format(Instant.ofEpochSecond(1_800_000_000L
              + rotations.get())));
          Files.move(live, rotated, StandardCopyOption.ATOMIC_MOVE);
          out = new FileOutputStream(live.toFile(), true);
          out.write(cri(i, 'F', message.substring(40)));
          compressAllButNewest(podDir);
          int done = rotations.incrementAndGet();
          while (done >= holdAfter.get()) {
            Thread.sleep(20);
          }
        } else {
          out.write(cri(i, 'F', message));
        }
        written.incrementAndGet();
        if (i % 1000 == 999) {
          long wait = start + (i + 1) * 100_000L - System.nanoTime();
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
        }
      }
      out.close();
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  /** kubelet: every rotated file but the newest is compressed; beyond five files (live included) the oldest go. */
  private static void compressAllButNewest(Path podDir) throws IOException {
    List<Path> plain;
    try (var list = Files.list(podDir)) {
      plain = list.filter(p -> p.getFileName().toString().matches("0\\.log\\.\\d{8}-\\d{6}")).sorted().toList();
    }
    for (int i = 0; i < plain.size() - 1; i++) {
      Path rotated = plain.get(i);
      Path tmp = rotated.resolveSibling(rotated.getFileName() + ".gz.tmp");
      try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(tmp))) {
        Files.copy(rotated, gz);
      }
      Files.move(tmp, rotated.resolveSibling(rotated.getFileName() + ".gz"), StandardCopyOption.ATOMIC_MOVE);
      Files.delete(rotated);
    }
    List<Path> all;
    try (var list = Files.list(podDir)) {
      all = list.filter(p -> p.getFileName().toString().matches("0\\.log\\.\\d{8}-\\d{6}(\\.gz)?")).sorted().toList();
    }
    for (int i = 0; i < all.size() - 4; i++) {
      Files.delete(all.get(i));
    }
  }

  /** A CRI line stamped as the runtime does, to the nanosecond (no two lines alike). */
  private static byte[] cri(int i, char tag, String message) {
    return ("2026-12-02T10:%02d:%02d.%09dZ stdout %c %s%n".formatted(i / 60_000 % 60, i / 1000 % 60, i, tag,
        message)).getBytes(StandardCharsets.UTF_8);
  }

  /** Counts each numbered line in the sink's file; returns how many distinct lines arrived. */
  private static int count(Path out, int[] counts) throws IOException {
    java.util.Arrays.fill(counts, 0);
    if (!Files.exists(out)) {
      return 0;
    }
    ObjectMapper json = new ObjectMapper();
    int distinct = 0;
    try (BufferedReader reader = Files.newBufferedReader(out)) {
      String line;
      while ((line = reader.readLine()) != null) {
        JsonNode record = json.readTree(line);
        Matcher m = NUMBER.matcher(record.path("message").asText());
        assertThat(m.find()).as("a whole numbered line: %s", line).isTrue();
        int n = Integer.parseInt(m.group(1));
        distinct += counts[n]++ == 0 ? 1 : 0;
      }
    }
    return distinct;
  }

  private static double lostBytes(String metrics) {
    double lost = 0;
    Matcher m = Pattern.compile("(?m)^nodewatch_logs_lost_bytes_total\\{[^}]*} (\\S+)$").matcher(metrics);
    while (m.find()) {
      lost += Double.parseDouble(m.group(1));
    }
    return lost;
  }
}

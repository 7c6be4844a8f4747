package dev.nodewatch.exporters.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodewatch.collectors.config.ByteSize;
import dev.nodewatch.collectors.queue.DeadLetterQueue;
import dev.nodewatch.collectors.queue.FileIdentity;
import dev.nodewatch.collectors.queue.LogQueue;
import dev.nodewatch.collectors.queue.LogSource;
import dev.nodewatch.collectors.queue.QueueConfig;
import dev.nodewatch.collectors.queue.WhenFull;
import dev.nodewatch.exporters.forward.BatchConfig;
import dev.nodewatch.exporters.forward.RetryConfig;
import dev.nodewatch.exporters.forward.Sink;
import dev.nodewatch.exporters.forward.SinkConfig;
import dev.nodewatch.exporters.forward.SinkException;
import dev.nodewatch.exporters.forward.SinkMetrics;
import dev.nodewatch.exporters.forward.SinkPipeline;
import dev.nodewatch.exporters.forward.SinkSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every sink must do, whatever its server: each sink's test extends this and runs these against its real
 * server (or, where a server cannot be made to fail on cue, the real server behind a fault-injecting front; see
 * {@code HttpSinkComplianceTest}). Records go the way the agent sends them: a real queue, a {@link SinkPipeline},
 * a real dead-letter queue. At-least-once across a SIGKILL is the agent's own test ({@code LogCrashSafetyIT}), run
 * for each sink there.
 */
public abstract class SinkComplianceTest {

  /** The message of a record the destination must refuse for good (see {@link #refuseForGood}). */
  protected static final String POISON = "POISON compliance record";
  private static final AtomicInteger TARGETS = new AtomicInteger();

  @TempDir
  protected Path complianceDir;
  protected LogQueue queue;
  protected DeadLetterQueue deadLetters;
  protected SinkPipeline pipeline;
  protected SinkMetrics metrics;

  // ---- what each sink's test provides

  /**
   * A sink entry of this type sending to a destination of its own (a table, a topic) named {@code target}, on the
   * healthy server, with batches of at most {@code maxEvents} records and short retries.
   */
  protected abstract SinkConfig config(String target, SinkSettings settings) throws Exception;

  /** Opens one sink of the entry, as the agent's sink type would. */
  protected abstract Sink open(SinkConfig config) throws Exception;

  /** The messages of every record the destination holds for {@code config}, once per copy it holds. */
  protected abstract List<String> delivered(SinkConfig config) throws Exception;

  /** Makes the server unreachable (connections refused), until {@link #endOutage}, at the same address. */
  protected abstract void beginOutage() throws Exception;

  protected abstract void endOutage() throws Exception;

  /**
   * Makes the destination of {@code config} refuse a record whose message is {@link #POISON} for good, as its
   * server refuses a record (a value the table rejects, a record too large for the topic).
   *
   * @return a word of the server's reason, which the dead-letter entry must hold
   */
  protected abstract String refuseForGood(SinkConfig config) throws Exception;

  /** The message {@link #POISON} becomes in the queue: itself, or a larger form where size is the refusal. */
  protected String poisonMessage() {
    return POISON;
  }

  /** Asserts the records of {@code config} went over the wire compressed, as the entry says. */
  protected abstract void assertCompressedOnTheWire(SinkConfig config) throws Exception;

  /**
   * The entry with its credential read from {@code secretFile}, which holds a secret the server refuses (a wrong
   * password); null when the sink type has no credential this test's server checks.
   */
  protected abstract SinkConfig withSecret(SinkConfig config, Path secretFile) throws Exception;

  // ---- the suite

  @BeforeEach
  void openQueue() throws Exception {
    queue = LogQueue.open(complianceDir.resolve("queue"), new QueueConfig(ByteSize.parse("64MiB"), WhenFull.BLOCK),
        "node-c", 4 << 20);
    deadLetters = DeadLetterQueue.open(complianceDir.resolve("dead-letter"), 7);
  }

  @AfterEach
  void closeQueue() throws Exception {
    if (pipeline != null) {
      pipeline.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    deadLetters.close();
    queue.close();
  }

  @Test
  void everyRecordArrivesOnceAndIsAcknowledged() throws Exception {
    SinkConfig config = config(target(), settings(500));
    write(3, 1_000, null);
    start(config);
    await(() -> delivered(config).size() >= 3_000, "3,000 records");
    await(() -> queue.reader(config.name()).lagDocuments() == 0, "all acknowledged");
    assertOnce(delivered(config), 3, 1_000);
    assertThat(metrics.sentEvents()).isEqualTo(3_000);
    assertThat(metrics.deadLetteredEvents()).isZero();
    assertThat(pipeline.health().healthy()).as(pipeline.health().detail()).isTrue();
  }

  @Test
  void aRecordRefusedForGoodIsDeadLetteredWithTheServersReasonAndTheOthersArrive() throws Exception {
    SinkConfig config = config(target(), settings(1_000));
    String reason = refuseForGood(config);
    write(2, 500, poisonMessage());
    start(config);
    await(() -> metrics.deadLetteredEvents() == 2 && queue.reader(config.name()).lagDocuments() == 0,
        "two records dead-lettered, the rest acknowledged");
    // at least once: a sink whose server refuses a record inside a batch it half took (Kafka) may send the others
    // of that batch again
    await(() -> new java.util.HashSet<>(delivered(config)).size() >= 998, "the others arrived");
    assertThat(new java.util.HashSet<>(delivered(config))).hasSize(998).noneMatch(m -> m.contains("POISON"));
    List<JsonNode> dead = deadLetterEntries();
    assertThat(dead).hasSize(2).allSatisfy(entry -> {
      assertThat(entry.path("record").path("message").asText()).startsWith("POISON");
      assertThat(entry.path("error").asText()).contains(reason);
    });
    assertThat(pipeline.health().healthy()).as("the server answered: the records were at fault").isTrue();
  }

  @Test
  void anOutageIsRetriedWithBackoffAndTheQueueHoldsTheRecordsUntilTheServerIsBack() throws Exception {
    SinkConfig config = config(target(), settings(500));
    write(1, 1_000, null);
    start(config);
    await(() -> delivered(config).size() >= 1_000, "the records before the outage");
    beginOutage();
    try {
      write(2, 1_000, null);
      await(() -> !pipeline.health().healthy(), "unhealthy while down");
      await(() -> metrics.retries() >= 1, "retried while down"); // the backoff itself: BackoffTest
      assertThat(pipeline.health().detail()).isNotBlank();
      assertThat(queue.reader(config.name()).lagDocuments()).isPositive();
      try (Sink probe = open(config)) {
        assertThatThrownBy(probe::check).isInstanceOfSatisfying(SinkException.class,
            e -> assertThat(e.kind()).isNotEqualTo(SinkException.Kind.PERMANENT));
      }
    } finally {
      endOutage();
    }
    await(() -> queue.reader(config.name()).lagDocuments() == 0, "the backlog delivered");
    await(() -> new java.util.HashSet<>(delivered(config)).size() == 3_000, "every record, some maybe twice");
    assertThat(metrics.deadLetteredEvents()).isZero();
    await(() -> pipeline.health().healthy(), "healthy again");
    try (Sink probe = open(config)) {
      assertThat(probe.check()).isNotBlank();
    }
  }

  @Test
  void recordsTravelCompressed() throws Exception {
    SinkConfig config = config(target(), settings(1_000));
    write(1, 2_000, null);
    start(config);
    await(() -> queue.reader(config.name()).lagDocuments() == 0, "all acknowledged");
    assertCompressedOnTheWire(config);
  }

  @Test
  void aSecretNeverAppearsInAnErrorTheHealthOrTheDeadLetters() throws Exception {
    String secret = "s3cr3t-" + Long.toHexString(System.nanoTime());
    Path secretFile = Files.writeString(complianceDir.resolve("secret"), secret + "\n");
    SinkConfig config = withSecret(config(target(), settings(100)), secretFile);
    org.junit.jupiter.api.Assumptions.assumeTrue(config != null, "this sink's test server checks no credential");
    write(1, 200, null);
    start(config);
    await(() -> metrics.retries() >= 1, "refused for the credential");
    List<String> seen = new ArrayList<>(List.of(pipeline.lastError(), pipeline.health().detail(),
        config.toString()));
    try (Sink probe = open(config)) {
      probe.check();
      seen.add("check passed");
    } catch (SinkException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        seen.add(String.valueOf(t.getMessage()));
      }
    }
    deadLetters.forEach(seen::add);
    assertThat(seen).noneMatch(text -> text.contains(secret));
    assertThat(seen.get(0)).isNotBlank();
  }

  // ---- helpers for the suite and its subclasses

  /** A destination name no other test of this run uses. */
  protected static String target() {
    return "compliance_" + ProcessHandle.current().pid() + "_" + TARGETS.incrementAndGet();
  }

  protected static SinkSettings settings(int maxEvents) {
    return new SinkSettings("sink", new BatchConfig(maxEvents, null, Duration.ofMillis(200)),
        new RetryConfig(Duration.ofMillis(50), Duration.ofMillis(500)), null, null);
  }

  protected void start(SinkConfig config) {
    metrics = new SinkMetrics(new SimpleMeterRegistry(), config.name());
    pipeline = new SinkPipeline(config, queue.reader(config.name()), () -> {
      try {
        return open(config);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, deadLetters, metrics);
    pipeline.start();
  }

  /** {@code pods} pods of {@code perPod} lines each, in queue documents of 500; line 77 of each is the poison. */
  protected void write(int pods, int perPod, String poison) {
    for (int p = 0; p < pods; p++) {
      int pod = podsWritten++;
      LogSource source = new LogSource(new FileIdentity(1, 100 + pod, 0, 0),
          "/var/log/pods/shop_web-" + pod + "_uid-" + pod + "/app/0.log", "shop", "web-" + pod, "uid-" + pod, "app",
          "containerd://abc" + pod, 0, Map.of("app", "web"));
      for (int from = 0; from < perPod; from += 500) {
        LogQueue.Batch batch = queue.batch(source);
        for (int i = from; i < Math.min(perPod, from + 500); i++) {
          String message = i == 77 && poison != null ? poison : "line " + i + " of web-" + pod + " ünïcödé";
          batch.add(1_764_064_800_123_456_789L + i, false, false, false, i * 100L, message);
        }
        queue.append(batch, Math.min(perPod, from + 500) * 100L);
      }
    }
  }

  private int podsWritten;

  /** Each of {@code pods} × {@code perPod} lines once. */
  protected static void assertOnce(Collection<String> messages, int pods, int perPod) {
    Map<String, Integer> copies = new HashMap<>();
    messages.forEach(m -> copies.merge(m, 1, Integer::sum));
    assertThat(copies).hasSize(pods * perPod);
    assertThat(copies.values()).allMatch(n -> n == 1);
  }

  protected List<JsonNode> deadLetterEntries() {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> entries = new ArrayList<>();
    deadLetters.forEach(entry -> {
      try {
        entries.add(json.readTree(entry));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    return entries;
  }

  /** A condition that may throw while the server is not ready (then it is false). */
  @FunctionalInterface
  protected interface Condition {
    boolean holds() throws Exception;
  }

  protected void await(Condition condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    BooleanSupplier check = () -> {
      try {
        return condition.holds();
      } catch (Exception notYet) {
        return false;
      }
    };
    while (!check.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(check.getAsBoolean()).as("%s; the sink's last error: %s", what,
        pipeline == null ? "(not started)" : pipeline.lastError()).isTrue();
  }
}

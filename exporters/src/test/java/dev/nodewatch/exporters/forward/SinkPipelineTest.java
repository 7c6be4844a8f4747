package dev.nodewatch.exporters.forward;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodewatch.collectors.config.ByteSize;
import dev.nodewatch.collectors.queue.DeadLetterQueue;
import dev.nodewatch.collectors.queue.FileIdentity;
import dev.nodewatch.collectors.queue.QueueReader;
import dev.nodewatch.collectors.queue.LogQueue;
import dev.nodewatch.collectors.queue.LogRecord;
import dev.nodewatch.collectors.queue.LogSource;
import dev.nodewatch.collectors.queue.QueueConfig;
import dev.nodewatch.collectors.queue.WhenFull;
import dev.nodewatch.exporters.sink.file.FileSink;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
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
  private SimpleMeterRegistry registry;
  private DeadLetterQueue deadLetters;
  private final List<SinkPipeline> pipelines = new ArrayList<>();

  @BeforeEach
  void open() throws Exception {
    registry = new SimpleMeterRegistry();
    deadLetters = DeadLetterQueue.open(dir.resolve("dead-letter"), 7);
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
  void close() throws Exception {
    for (SinkPipeline pipeline : pipelines) {
      pipeline.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    deadLetters.close();
    queue.close();
  }

  private static SinkBatch batchOf(QueueReader.Polled polled) {
    return new SinkBatch("test-queue", polled.records(), polled.firstIndex(), polled.lastIndex(), 0);
  }

  private static SinkConfig config(String name, Integer maxEvents, SinkFilter match) {
    return new SinkConfig("file", new SinkSettings(name, new BatchConfig(maxEvents, null, null),
        new RetryConfig(Duration.ofMillis(10), Duration.ofMillis(40)), null, match),
        new dev.nodewatch.exporters.sink.file.FileOptions("unused"));
  }

  private SinkPipeline start(SinkConfig config, SinkPipeline.SinkFactory sinks) throws Exception {
    SinkPipeline pipeline = new SinkPipeline(config, queue.reader(config.name()), sinks, deadLetters,
        new SinkMetrics(registry, config.name()));
    pipelines.add(pipeline);
    pipeline.start();
    return pipeline;
  }

  /** The queue after a round of the maintenance the tailer runs every 200 ms. */
  private LogQueue maintained() {
    try {
      queue.maintain();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return queue;
  }

  private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(condition.getAsBoolean()).as("condition reached within 20 s").isTrue();
  }

  /** A sink of the test's own making around a real one: refuses as the test says, then passes on. */
  private abstract static class Faulty implements Sink {
    final Sink real;

    Faulty(Sink real) {
      this.real = real;
    }

    @Override
    public String check() throws SinkException {
      return real.check();
    }

    @Override
    public void close() throws Exception {
      real.close();
    }
  }

  @Test
  void aQueueDocumentLargerThanTheBatchGoesInPartsAndIsAcknowledgedWithItsLast() throws Exception {
    Path out = dir.resolve("parts.ndjson");
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    CountDownLatch secondPart = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    SinkPipeline pipeline = start(config("parts", 30, null), () -> new Faulty(new FileSink(out)) {
      @Override
      public List<Rejection> send(SinkBatch batch) throws SinkException {
        sizes.add(batch.size());
        if (sizes.size() == 2) {
          secondPart.countDown();
          try {
            release.await(20, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return real.send(batch);
      }
    });
    assertThat(secondPart.await(20, TimeUnit.SECONDS)).isTrue();
    assertThat(pipeline.reader().committedIndex()).as("half a document is not acknowledged").isZero();
    release.countDown();
    await(() -> pipeline.reader().committedIndex() == queue.lastIndex());
    assertThat(sizes).hasSize(20).allMatch(size -> size <= 30);
    assertThat(sizes.subList(0, 4)).containsExactly(30, 30, 30, 10);
    assertThat(Files.readAllLines(out)).hasSize(500);
  }

  @Test
  void sendsWaitForTheFirstHealthCheckThatMakesTheTarget() throws Exception {
    Path out = dir.resolve("made.ndjson");
    java.util.concurrent.atomic.AtomicBoolean tableMade = new java.util.concurrent.atomic.AtomicBoolean();
    SinkPipeline pipeline = start(config("made", 1000, null), () -> new Faulty(new FileSink(out)) {
      @Override
      public String check() throws SinkException {
        try {
          Thread.sleep(300); // creating the table takes a moment
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        tableMade.set(true);
        return "table created";
      }

      @Override
      public List<Rejection> send(SinkBatch batch) throws SinkException {
        if (!tableMade.get()) {
          throw SinkException.retryable("not_found", "Table doesn't exist", null);
        }
        return real.send(batch);
      }
    });
    await(() -> pipeline.metrics().sentEvents() == 500);
    assertThat(pipeline.metrics().retries()).as("no send raced the check").isZero();
    assertThat(pipeline.lastError()).isEmpty();
  }

  @Test
  void aBatchTheSinkRefusedIsRetriedAndAcknowledgedOnlyOnceAccepted() throws Exception {
    Path out = dir.resolve("out/records.ndjson");
    AtomicInteger refusals = new AtomicInteger(3);
    SinkPipeline pipeline = start(config("file", 150, null), () -> new Faulty(new FileSink(out)) {
      @Override
      public List<Rejection> send(SinkBatch batch) throws SinkException {
        if (refusals.getAndDecrement() > 0) {
          throw SinkException.retryable("http_5xx", "HTTP 503", null);
        }
        return real.send(batch);
      }
    });
    await(() -> pipeline.metrics().sentEvents() >= 500 && queue.reader("file").lagDocuments() == 0);

    assertThat(pipeline.metrics().sentEvents()).isEqualTo(500);
    assertThat(pipeline.metrics().failedEvents()).containsEntry("http_5xx", 300.0); // 3 x a batch of 100
    assertThat(pipeline.metrics().retries()).isEqualTo(3);
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
    queue.maintain(); // the tailer's periodic maintenance measures the lag
    assertThat(queue.reader("file").lagEvents()).isZero();
    assertThat(queue.reader("file").lagBytes()).isZero();
  }

  @Test
  void aBatchRetriedForLongerThanTheQueueKeepsItsRecordsIsCountedExpiredAndTheNextOnesArrive() throws Exception {
    net.openhft.chronicle.core.time.SetTimeProvider time = new net.openhft.chronicle.core.time.SetTimeProvider(
        System.currentTimeMillis() * 1_000_000L).autoIncrement(0, TimeUnit.NANOSECONDS);
    try (LogQueue aged = LogQueue.open(dir.resolve("aged"), new QueueConfig(ByteSize.parse("64MiB"), WhenFull.BLOCK,
        Duration.ofMinutes(2)), "node-a", 1 << 20, time)) {
      LogSource source = new LogSource(new FileIdentity(1, 9, 3, 4), "/var/log/pods/ns_p_u/c/0.log", "ns", "p", "u",
          "c", "id", 0, Map.of());
      for (int b = 0; b < 2; b++) {
        LogQueue.Batch batch = aged.batch(source);
        for (int i = 0; i < 10; i++) {
          batch.add(1_000L, false, false, false, b * 100L + i, "old " + (b * 10 + i));
        }
        aged.append(batch, b * 100L + 10);
        time.advanceMillis(6_000); // a file each: the second read leaves no part of the first mapped
      }
      Path out = dir.resolve("aged.ndjson");
      AtomicInteger attempts = new AtomicInteger();
      java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
      SinkConfig config = config("file", null, null);
      SinkPipeline pipeline = new SinkPipeline(config, aged.reader("file"), () -> new Faulty(new FileSink(out)) {
        @Override
        public List<Rejection> send(SinkBatch batch) throws SinkException {
          if (down.get()) {
            batch.records().forEach(LogRecord::message); // read, as a sink encoding its request would
            attempts.incrementAndGet();
            throw SinkException.retryable("http_5xx", "HTTP 503", null);
          }
          return real.send(batch);
        }
      }, deadLetters, new SinkMetrics(registry, "file"));
      pipeline.start();
      try {
        await(() -> attempts.get() >= 2);
        time.advanceMillis(TimeUnit.MINUTES.toMillis(3)); // the batch's file is now older than max_age
        LogQueue.Batch newer = aged.batch(source);
        newer.add(2_000L, false, false, false, 500, "new");
        aged.append(newer, 510);
        aged.maintain();
        assertThat(aged.expiredFiles()).isPositive();
        down.set(false);

        await(() -> pipeline.metrics().sentEvents() > 0);
        assertThat(pipeline.metrics().sentEvents()).isEqualTo(1);
        assertThat(pipeline.metrics().failedEvents()).containsEntry("expired", 20.0);
        assertThat(pipeline.lastError()).contains("queue.max_age");
        assertThat(Files.readAllLines(out)).singleElement().asString().contains("\"message\":\"new\"");
        await(() -> aged.reader("file").lagDocuments() == 0);
      } finally {
        pipeline.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aThrottlingSinkIsLeftAloneForTheTimeItAskedFor() throws Exception {
    Path out = dir.resolve("throttled.ndjson");
    List<Long> attempts = new CopyOnWriteArrayList<>();
    SinkPipeline pipeline = start(config("throttled", 1000, null), () -> new Faulty(new FileSink(out)) {
      @Override
      public List<Rejection> send(SinkBatch batch) throws SinkException {
        attempts.add(System.nanoTime());
        if (attempts.size() == 1) {
          throw SinkException.throttled("throttled", java.time.Duration.ofSeconds(1), "HTTP 429: slow down");
        }
        return real.send(batch);
      }
    });
    await(() -> pipeline.metrics().sentEvents() == 500);
    // retry.max is 40 ms, so only the server's Retry-After explains a second's wait
    assertThat(attempts.get(1) - attempts.get(0)).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(950));
    assertThat(pipeline.metrics().failedEvents()).containsEntry("throttled", 500.0);
  }

  @Test
  void recordsRefusedForGoodGoToTheDeadLetterQueueAndTheRestArrive() throws Exception {
    Path out = dir.resolve("poison.ndjson");
    AtomicInteger requests = new AtomicInteger();
    SinkPipeline pipeline = start(config("poison", 1000, null), () -> new Faulty(new FileSink(out)) {
      @Override
      public List<Rejection> send(SinkBatch batch) throws SinkException {
        requests.incrementAndGet();
        if (batch.records().stream().anyMatch(r -> r.message().equals("m123") || r.message().equals("m400"))) {
          throw SinkException.permanent("rejected", "Code: 27, cannot parse input", null);
        }
        return real.send(batch);
      }
    });
    await(() -> pipeline.metrics().sentEvents() == 498 && pipeline.metrics().deadLetteredEvents() == 2);

    List<String> lines = Files.readAllLines(out);
    assertThat(lines).hasSize(498).noneMatch(l -> l.contains("\"m123\"") || l.contains("\"m400\""));
    List<JsonNode> dead = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    deadLetters.forEach(entry -> dead.add(readTree(json, entry)));
    assertThat(dead).extracting(d -> d.path("record").path("message").asText()).containsExactly("m123", "m400");
    assertThat(dead.get(0).path("sink").asText()).isEqualTo("poison");
    assertThat(dead.get(0).path("reason").asText()).isEqualTo("rejected");
    assertThat(dead.get(0).path("error").asText()).contains("cannot parse input");
    assertThat(dead.get(0).path("record").path("namespace").asText()).isEqualTo("ns");
    // bisection: a handful of requests per bad record, not one per record
    assertThat(requests.get()).isLessThan(40);
    await(() -> queue.reader("poison").lagDocuments() == 0);
  }

  private static JsonNode readTree(ObjectMapper json, String text) {
    try {
      return json.readTree(text);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void concurrentSendersAcknowledgeInPollingOrderOnly() throws Exception {
    Path out = dir.resolve("concurrent.ndjson");
    CountDownLatch releaseFirst = new CountDownLatch(1);
    AtomicInteger opened = new AtomicInteger();
    Set<String> threads = ConcurrentHashMap.newKeySet();
    SinkConfig config = new SinkConfig("stdout", new SinkSettings("parallel", new BatchConfig(100, null, null),
        new RetryConfig(Duration.ofMillis(10), Duration.ofMillis(40)), 4, null),
        new dev.nodewatch.exporters.sink.stdout.StdoutOptions());
    FileSink shared = new FileSink(out);
    SinkPipeline pipeline = start(config, () -> {
      opened.incrementAndGet();
      return new Faulty(shared) {
        @Override
        public List<Rejection> send(SinkBatch batch) throws SinkException {
          threads.add(Thread.currentThread().getName());
          if (batch.records().get(0).message().equals("m0")) {
            try {
              releaseFirst.await(); // the first batch is slow; the four after it are not
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          synchronized (shared) {
            return real.send(batch);
          }
        }

        @Override
        public void close() {
          // the shared file is closed by the test
        }
      };
    });
    QueueReader reader = queue.reader("parallel");
    await(() -> pipeline.metrics().sentEvents() == 400); // the four batches after the stuck first one
    assertThat(reader.committedIndex()).as("nothing is acknowledged past the slow first batch").isZero();
    releaseFirst.countDown();
    await(() -> pipeline.metrics().sentEvents() == 500 && reader.lagDocuments() == 0);
    assertThat(reader.committedIndex()).isEqualTo(queue.lastIndex());
    assertThat(opened.get()).isEqualTo(4);
    assertThat(threads).hasSizeGreaterThan(1);
    shared.close();
  }

  @Test
  void aSinkTakesOnlyTheRecordsItsFilterMatches() throws Exception {
    LogSource other = new LogSource(new FileIdentity(1, 9, 3, 4), "/var/log/pods/kube-system_q_v/c/0.log",
        "kube-system", "q", "v", "c", "id", 0, Map.of("app", "dns"));
    LogQueue.Batch batch = queue.batch(other);
    for (int i = 0; i < 50; i++) {
      batch.add(1_764_064_800_000_000_000L, false, false, false, i * 10L, "system " + i);
    }
    queue.append(batch, 500);
    Path out = dir.resolve("filtered.ndjson");
    SinkFilter onlySystemDns = new SinkFilter(List.of("kube-*"), null, null, Map.of("app", "d?s"));
    SinkPipeline pipeline = start(config("system", 1000, onlySystemDns), () -> new FileSink(out));
    await(() -> pipeline.metrics().sentEvents() == 50 && queue.reader("system").lagDocuments() == 0);
    assertThat(Files.readAllLines(out)).hasSize(50).allMatch(l -> l.contains("\"namespace\":\"kube-system\""));
    assertThat(pipeline.metrics().filteredEvents()).isEqualTo(500);
  }

  @Test
  void aSinkThatIsDownDoesNotHoldBackAnotherOne() throws Exception {
    SinkPipeline down = start(config("down-sink", 100, null), () -> new Faulty(new FileSink(dir.resolve("d.ndjson"))) {
      @Override
      public List<Rejection> send(SinkBatch batch) throws SinkException {
        throw SinkException.retryable("connection", "connection refused", null);
      }
    });
    SinkPipeline up = start(config("up-sink", 100, null), () -> new FileSink(dir.resolve("u.ndjson")));
    await(() -> up.metrics().sentEvents() == 500 && queue.reader("up-sink").lagDocuments() == 0);
    assertThat(Files.readAllLines(dir.resolve("u.ndjson"))).hasSize(500);
    assertThat(down.metrics().sentEvents()).isZero();
    assertThat(maintained().reader("down-sink").lagEvents()).isEqualTo(500);
  }

  @Test
  void theHealthCheckSaysWhatIsWrongAndTheLagIsCountedInRecords() throws Exception {
    Path out = dir.resolve("health.ndjson");
    AtomicInteger refuse = new AtomicInteger(Integer.MAX_VALUE);
    SinkPipeline pipeline = start(config("down", 1000, null), () -> new Faulty(new FileSink(out)) {
      @Override
      public List<Rejection> send(SinkBatch batch) throws SinkException {
        if (refuse.get() > 0) {
          throw SinkException.retryable("connection", "connection refused", null);
        }
        return real.send(batch);
      }

      @Override
      public String check() throws SinkException {
        if (refuse.get() > 0) {
          throw SinkException.retryable("connection", "connection refused", null);
        }
        return real.check();
      }
    });
    await(() -> pipeline.metrics().failedEvents().getOrDefault("connection", 0.0) > 0);
    await(() -> maintained().reader("down").lagEvents() == 500);
    assertThat(pipeline.health().healthy()).isFalse();
    assertThat(pipeline.health().detail()).contains("connection refused");
    assertThat(registry.get("nodewatch.sink.healthy").tag("sink", "down").gauge().value()).isZero();
    assertThat(registry.get("nodewatch.sink.lag.events").tag("sink", "down").gauge().value()).isEqualTo(500);
    refuse.set(0);
    await(() -> pipeline.metrics().sentEvents() == 500);
    await(() -> maintained().reader("down").lagEvents() == 0);
    assertThat(pipeline.health().healthy()).isTrue();
    assertThat(registry.get("nodewatch.sink.request.duration").tag("sink", "down").timer().count())
        .isGreaterThan(1);
  }

  @Test
  void aSinkRefusingEveryRecordIsTakenAsMisconfiguredAndItsRecordsWaitInTheQueue() throws Exception {
    Path out = dir.resolve("schema.ndjson");
    java.util.concurrent.atomic.AtomicBoolean wrongTable = new java.util.concurrent.atomic.AtomicBoolean(true);
    SinkPipeline pipeline = start(config("schema", 1000, null), () -> new Faulty(new FileSink(out)) {
      @Override
      public List<Rejection> send(SinkBatch batch) throws SinkException {
        if (wrongTable.get()) {
          throw SinkException.refusedShape("clickhouse-53", "Code: 53, type mismatch for column timestamp");
        }
        return real.send(batch);
      }
    });
    await(() -> pipeline.metrics().retries() >= 2);
    assertThat(pipeline.health().healthy()).isFalse();
    assertThat(pipeline.health().detail()).contains("refuses every record", "type mismatch");
    assertThat(pipeline.metrics().deadLetteredEvents()).isZero();
    wrongTable.set(false); // the operator fixes the table
    await(() -> pipeline.metrics().sentEvents() == 500 && queue.reader("schema").lagDocuments() == 0);
    assertThat(Files.readAllLines(out)).hasSize(500);
    assertThat(pipeline.metrics().deadLetteredEvents()).isZero();
  }

  @Test
  void aQueueDocumentThatCannotBeDecodedIsKeptInTheDeadLetterQueueAndTheRecordsAroundItArrive() throws Exception {
    try (net.openhft.chronicle.queue.impl.single.SingleChronicleQueue raw =
            net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder.binary(dir.resolve("queue"))
                .rollCycle(dev.nodewatch.collectors.queue.QueueRollCycle.FIVE_SECONDLY).build();
        net.openhft.chronicle.queue.ExcerptAppender appender = raw.createAppender()) {
      // a batch document (kind 1) whose header ends early: what a damaged file would hold
      appender.writeBytes(net.openhft.chronicle.bytes.Bytes.wrapForRead(new byte[] {1, 1, 2}));
    }
    LogQueue.Batch after = queue.batch(new LogSource(new FileIdentity(1, 2, 3, 4), "/var/log/pods/ns_p_u/c/0.log",
        "ns", "p", "u", "c", "id", 2, Map.of()));
    after.add(1_764_064_800_000_000_000L, false, false, false, 5000, "after the damage");
    queue.append(after, 5100);
    Path out = dir.resolve("undecodable.ndjson");
    SinkPipeline pipeline = start(config("damaged", 1000, null), () -> new FileSink(out));
    await(() -> pipeline.metrics().sentEvents() == 501 && queue.reader("damaged").lagDocuments() == 0);
    assertThat(Files.readAllLines(out)).hasSize(501).last().asString().contains("after the damage");
    List<JsonNode> dead = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    deadLetters.forEach(entry -> dead.add(readTree(json, entry)));
    assertThat(dead).singleElement().satisfies(entry -> {
      assertThat(entry.path("reason").asText()).isEqualTo("undecodable");
      assertThat(entry.path("document_base64").asText()).isEqualTo("AQEC");
    });
    assertThat(pipeline.metrics().failedEvents()).containsEntry("undecodable", 1.0);
  }

  @Test
  void aBatchTooLargeForTheServerIsSentInHalvesWhenRefusedAgainAndAgain() throws Exception {
    Path out = dir.resolve("memory.ndjson");
    List<Integer> sizes = new CopyOnWriteArrayList<>();
    SinkPipeline pipeline = start(config("memory", 1000, null), () -> new Faulty(new FileSink(out)) {
      @Override
      public List<Rejection> send(SinkBatch batch) throws SinkException {
        sizes.add(batch.size());
        if (batch.size() > 150) {
          throw SinkException.tooLarge("throttled", "Code: 241, memory limit exceeded");
        }
        return real.send(batch);
      }
    });
    await(() -> pipeline.metrics().sentEvents() == 500 && queue.reader("memory").lagDocuments() == 0);
    assertThat(Files.readAllLines(out)).hasSize(500);
    // three refusals, then halves; each half likewise
    assertThat(sizes).containsExactly(500, 500, 500, 250, 250, 250, 125, 125, 250, 250, 250, 125, 125);
    assertThat(pipeline.metrics().deadLetteredEvents()).isZero();
  }

  @Test
  void aSenderSurvivesFaultsOfTheSinkItselfAndAZeroRetryAfterIsNoBusyLoop() throws Exception {
    Path out = dir.resolve("faults.ndjson");
    AtomicInteger calls = new AtomicInteger();
    List<Long> throttled = new CopyOnWriteArrayList<>();
    SinkPipeline pipeline = start(config("faults", 1000, null), () -> new Faulty(new FileSink(out)) {
      @Override
      public List<Rejection> send(SinkBatch batch) throws SinkException {
        int call = calls.incrementAndGet();
        if (call == 1) {
          throw new NoClassDefFoundError("a sink class its jar lacks"); // would kill the sender's thread
        }
        if (call == 2) {
          return List.of(new Rejection(batch.size() + 3, "a position the batch does not have"));
        }
        if (call < 30) {
          throttled.add(System.nanoTime());
          throw SinkException.throttled("throttled", Duration.ZERO, "HTTP 429, Retry-After: 0");
        }
        return real.send(batch);
      }
    });
    await(() -> pipeline.metrics().sentEvents() >= 500 && queue.reader("faults").lagDocuments() == 0);
    assertThat(Files.readAllLines(out)).hasSize(500);
    assertThat(pipeline.metrics().deadLetteredEvents()).isZero();
    // the backoff (10 ms, doubling to 40 ms, full jitter) still spaces retries a Retry-After of 0 asks for
    long spent = throttled.get(throttled.size() - 1) - throttled.get(0);
    assertThat(spent).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(200));
  }

  @Test
  void aHalfWrittenRecordLeftByACrashIsCutOffBeforeAppending() throws Exception {
    Path out = dir.resolve("records.ndjson");
    Files.writeString(out, "{\"message\":\"whole\"}\n{\"message\":\"ha");
    try (FileSink sink = new FileSink(out)) {
      sink.send(batchOf(queue.reader("x").poll(1)));
    }
    List<String> lines = Files.readAllLines(out);
    assertThat(lines).hasSize(101).first().isEqualTo("{\"message\":\"whole\"}");
    ObjectMapper json = new ObjectMapper();
    for (String line : lines) {
      json.readTree(line);
    }
  }
}

package dev.nodewatch.exporters.sink.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodewatch.collectors.config.ByteSize;
import dev.nodewatch.collectors.queue.FileIdentity;
import dev.nodewatch.collectors.queue.LogQueue;
import dev.nodewatch.collectors.queue.LogSource;
import dev.nodewatch.collectors.queue.QueueConfig;
import dev.nodewatch.collectors.queue.WhenFull;
import dev.nodewatch.exporters.forward.BatchConfig;
import dev.nodewatch.exporters.forward.RetryConfig;
import dev.nodewatch.exporters.forward.SinkConfig;
import dev.nodewatch.exporters.forward.SinkSettings;
import dev.nodewatch.exporters.forward.SinkPipeline;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import dev.nodewatch.collectors.queue.DeadLetterQueue;
import dev.nodewatch.exporters.forward.SinkMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The queue → pipeline → Kafka sink path against a real KRaft broker started in this JVM. */
class KafkaSinkTest {

  @TempDir
  static Path dir;

  private static KafkaBroker broker;
  private DeadLetterQueue deadLetters;

  @BeforeEach
  void openDeadLetters() throws Exception {
    deadLetters = DeadLetterQueue.open(dir.resolve("dead-letter-" + System.nanoTime()), 7);
  }

  @AfterEach
  void closeDeadLetters() {
    deadLetters.close();
  }

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaBroker.start(dir);
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  private static LogSource source(String namespace, String pod, String uid) {
    return new LogSource(new FileIdentity(1, pod.hashCode(), 3, 4), "/var/log/pods/" + namespace + "_" + pod + "_"
        + uid + "/app/0.log", namespace, pod, uid, "app", "cid", 0, Map.of("team", "checkout"));
  }

  @Test
  void everyRecordArrivesAsJsonOnItsNamespacesTopicKeyedByPodUidInOrder() throws Exception {
    Path queueDir = dir.resolve("queue-" + System.nanoTime());
    try (LogQueue queue = LogQueue.open(queueDir, new QueueConfig(ByteSize.parse("64MiB"), WhenFull.BLOCK), "node-7",
        1 << 20)) {
      LogSource shop = source("shop", "web-1", "uid-web-1");
      LogSource bank = source("bank", "api-1", "uid-api-1");
      int perPod = 5_000;
      for (int b = 0; b < perPod / 500; b++) {
        for (LogSource source : List.of(shop, bank)) {
          LogQueue.Batch batch = queue.batch(source);
          for (int i = b * 500; i < (b + 1) * 500; i++) {
            batch.add(1_764_064_800_000_000_000L + i, false, false, false, i * 100L,
                source.pod() + " line-" + i + " ünïcödé");
          }
          queue.append(batch, (b + 1) * 50_000L);
        }
      }
      // The topics exist before the first batch, as an operator would make them. Left to auto-creation on a busy
      // machine, one topic's records can time out while the other's land; the batch is then sent again whole,
      // which at-least-once delivery allows but this test, checking format, keys and order, would see as
      // duplicates. The sink's retries are covered by SinkPipelineTest.
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()))) {
        admin.createTopics(List.of(new NewTopic("logs.shop", 1, (short) 1), new NewTopic("logs.bank", 1, (short) 1)))
            .all().get(60, TimeUnit.SECONDS);
      }
      KafkaOptions options = new KafkaOptions(List.of(broker.bootstrap()), "logs.{namespace}", "zstd", null, null);
      SinkConfig config = new SinkConfig("kafka", new SinkSettings("kafka", new BatchConfig(2_000, null, null),
          RetryConfig.defaults(), null, null), options);
      assertThat(new KafkaSink("kafka", options).check()).isEqualTo("1 broker(s)");
      SinkMetrics metrics = new SinkMetrics(new SimpleMeterRegistry(), "kafka");
      SinkPipeline pipeline = new SinkPipeline(config, queue.reader("kafka"), () -> new KafkaSink("kafka", options),
          deadLetters, metrics);
      pipeline.start();
      try {
        Map<String, List<ConsumerRecord<byte[], byte[]>>> byTopic = consume("logs\\.(shop|bank)", 2 * perPod);
        assertThat(byTopic.keySet()).containsExactlyInAnyOrder("logs.shop", "logs.bank");
        ObjectMapper json = new ObjectMapper();
        for (String topic : byTopic.keySet()) {
          List<ConsumerRecord<byte[], byte[]>> records = byTopic.get(topic);
          assertThat(records).hasSize(perPod);
          int expected = 0;
          for (ConsumerRecord<byte[], byte[]> record : records) {
            JsonNode value = json.readTree(record.value());
            String pod = topic.equals("logs.shop") ? "web-1" : "api-1";
            assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("uid-" + pod);
            // one key, one partition: the pod's lines in the order they were written
            assertThat(value.path("message").asText()).isEqualTo(pod + " line-" + expected++ + " ünïcödé");
            assertThat(value.path("node").asText()).isEqualTo("node-7");
            assertThat(value.path("labels").path("team").asText()).isEqualTo("checkout");
          }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (queue.reader("kafka").lagDocuments() > 0 && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertThat(queue.reader("kafka").lagDocuments()).isZero();
        assertThat(metrics.sentEvents()).isEqualTo(2.0 * perPod);
      } finally {
        pipeline.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aRecordTooLargeForTheBrokerGoesToTheDeadLetterQueueAndTheOthersArrive() throws Exception {
    Path queueDir = dir.resolve("queue-" + System.nanoTime());
    try (LogQueue queue = LogQueue.open(queueDir, new QueueConfig(ByteSize.parse("64MiB"), WhenFull.BLOCK), "node-7",
        4 << 20)) {
      LogSource big = source("big", "blob-1", "uid-blob-1");
      LogQueue.Batch batch = queue.batch(big);
      batch.add(1_764_064_800_000_000_000L, false, false, false, 0, "before");
      batch.add(1_764_064_800_000_000_001L, false, false, false, 7, "x".repeat(3 << 19)); // 1.5 MiB: over 1 MiB
      batch.add(1_764_064_800_000_000_002L, false, false, false, 1_572_872, "after");
      queue.append(batch, 1_572_880);
      KafkaOptions options = new KafkaOptions(List.of(broker.bootstrap()), "logs.{namespace}", "none", null, null);
      SinkConfig config = new SinkConfig("kafka", SinkSettings.named("too-large"), options);
      SinkMetrics metrics = new SinkMetrics(new SimpleMeterRegistry(), "too-large");
      SinkPipeline pipeline = new SinkPipeline(config, queue.reader("too-large"), () -> new KafkaSink("too-large", options),
          deadLetters, metrics);
      pipeline.start();
      try {
        List<ConsumerRecord<byte[], byte[]>> arrived = consume("logs\\.big", 2).get("logs.big");
        assertThat(arrived).as("arrived; the sink's last error: %s", pipeline.lastError()).isNotNull();
        assertThat(arrived).extracting(r -> new ObjectMapper().readTree(r.value()).path("message").asText())
            .containsExactly("before", "after");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (metrics.deadLetteredEvents() < 1 && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertThat(metrics.deadLetteredEvents()).isEqualTo(1);
        List<String> entries = new ArrayList<>();
        deadLetters.forEach(entries::add);
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0)).contains("RecordTooLargeException").contains("\"offset\":7");
      } finally {
        pipeline.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }

  private static Map<String, List<ConsumerRecord<byte[], byte[]>>> consume(String topics, int expected) {
    Properties p = new Properties();
    p.put("bootstrap.servers", broker.bootstrap());
    p.put("group.id", "test-" + System.nanoTime());
    p.put("auto.offset.reset", "earliest");
    // a pattern subscription sees topics made after it only at its next metadata refresh (5 min by default)
    p.put("metadata.max.age.ms", "500");
    Map<String, List<ConsumerRecord<byte[], byte[]>>> byTopic = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      consumer.subscribe(Pattern.compile(topics));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      int count = 0;
      while (count < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          byTopic.computeIfAbsent(record.topic(), t -> new ArrayList<>()).add(record);
          count++;
        }
      }
    }
    return byTopic;
  }
}

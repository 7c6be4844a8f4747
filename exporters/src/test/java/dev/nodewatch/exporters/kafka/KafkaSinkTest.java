package dev.nodewatch.exporters.kafka;

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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The queue → pipeline → Kafka sink path against a real KRaft broker started in this JVM. */
class KafkaSinkTest {

  @TempDir
  static Path dir;

  private static KafkaBroker broker;

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
      SinkConfig.Kafka config = new SinkConfig.Kafka("kafka", List.of(broker.bootstrap()), "logs.{namespace}",
          "zstd", null, null, new BatchConfig(2_000, null), RetryConfig.defaults());
      SinkPipeline pipeline = new SinkPipeline("kafka", queue.reader("kafka"), new KafkaSink(config),
          config.batch(), config.retry());
      pipeline.start();
      try {
        Map<String, List<ConsumerRecord<byte[], byte[]>>> byTopic = consume(2 * perPod);
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
        assertThat(pipeline.sentEvents()).isEqualTo(2L * perPod);
      } finally {
        pipeline.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }

  private static Map<String, List<ConsumerRecord<byte[], byte[]>>> consume(int expected) {
    Properties p = new Properties();
    p.put("bootstrap.servers", broker.bootstrap());
    p.put("group.id", "test-" + System.nanoTime());
    p.put("auto.offset.reset", "earliest");
    Map<String, List<ConsumerRecord<byte[], byte[]>>> byTopic = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      consumer.subscribe(Pattern.compile("logs\\..*"));
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

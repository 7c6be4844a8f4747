package dev.nodewatch.exporters.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.nodewatch.collectors.queue.LogRecord;
import dev.nodewatch.exporters.forward.RecordJson;
import dev.nodewatch.exporters.forward.Sink;
import dev.nodewatch.exporters.forward.SinkConfig;
import dev.nodewatch.exporters.forward.TopicTemplate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends records to Kafka: one message per record, the record as JSON, keyed by the pod's UID (the namespace and
 * pod name when the UID is unknown) so each pod's lines keep their order within one partition. The producer is
 * idempotent with {@code acks=all}: a batch is accepted once every message is on all in-sync replicas, and the
 * producer's own retries cannot write a message twice.
 */
public final class KafkaSink implements Sink {

  private final KafkaProducer<byte[], byte[]> producer;
  private final TopicTemplate topic;
  private final RecordJson json = new RecordJson();
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
  /** One generator for every message: making one per record cost more than writing the record. */
  private final JsonGenerator generator;

  public KafkaSink(SinkConfig.Kafka config) throws IOException {
    this.producer = new KafkaProducer<>(KafkaProducerSettings.of(config), new ByteArraySerializer(),
        new ByteArraySerializer());
    this.topic = new TopicTemplate(config.topic());
    this.generator = new JsonFactory().createGenerator(buffer).setRootValueSeparator(null);
  }

  @Override
  public void send(List<LogRecord> records) throws IOException {
    List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
    for (LogRecord record : records) {
      acks.add(producer.send(new ProducerRecord<>(topic.render(record), key(record), value(record))));
    }
    producer.flush();
    for (Future<RecordMetadata> ack : acks) {
      try {
        ack.get();
      } catch (ExecutionException e) {
        throw new IOException("Kafka did not accept the batch: " + e.getCause().getMessage(), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for Kafka", e);
      }
    }
  }

  private static byte[] key(LogRecord record) {
    String uid = record.source().podUid();
    return (uid.isEmpty() ? record.source().namespace() + "/" + record.source().pod() : uid)
        .getBytes(StandardCharsets.UTF_8);
  }

  private byte[] value(LogRecord record) throws IOException {
    json.write(record, generator);
    generator.flush();
    byte[] value = buffer.toByteArray();
    buffer.reset();
    return value;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}

package dev.nodewatch.exporters.sink.kafka;

import dev.nodewatch.exporters.forward.SinkType;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.nodewatch.collectors.queue.LogRecord;
import dev.nodewatch.collectors.queue.LogSource;
import dev.nodewatch.exporters.forward.RecordJson;
import dev.nodewatch.exporters.forward.Sink;
import dev.nodewatch.exporters.forward.SinkBatch;
import dev.nodewatch.exporters.forward.SinkException;
import dev.nodewatch.exporters.forward.TopicTemplate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.Comparator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends records to Kafka: one message per record, the record as JSON, keyed by the pod's UID (the namespace and
 * pod name when the UID is unknown) so each pod's lines keep their order within one partition. The producer is
 * idempotent with {@code acks=all}: a batch is accepted once every message is on all in-sync replicas, and the
 * producer's own retries cannot write a message twice.
 */
public final class KafkaSink implements Sink {

  /** {@code type: kafka}. */
  public static final SinkType<KafkaOptions> TYPE = new SinkType<>("kafka", KafkaOptions.class,
      (settings, options, context) -> new KafkaSink(settings.name(), options));


  private final Properties producerSettings;
  /** Null after a fault that may have left it unusable: made again for the next batch. */
  private KafkaProducer<byte[], byte[]> producer;
  private final TopicTemplate topic;
  private final RecordJson json = new RecordJson();
  /** Jackson's own growable buffer: unlike ByteArrayOutputStream it takes no lock per write, copy and reset. */
  private final ByteArrayBuilder buffer = new ByteArrayBuilder(1024);
  /** One generator for every message (making one per record cost more than writing the record); null after a fault. */
  private JsonGenerator generator;

  private LogSource lastSource;
  private byte[] lastKey;
  private String lastTopic;

  private final Properties adminSettings;
  private final String brokers;

  /** @param name the sink's name, in the producer's client id */
  public KafkaSink(String name, KafkaOptions config) throws IOException {
    this.adminSettings = KafkaProducerSettings.admin(name, config);
    this.brokers = String.join(",", config.brokers());
    this.producerSettings = KafkaProducerSettings.of(name, config);
    this.producer = newProducer();
    this.topic = new TopicTemplate(config.topic());
    this.generator = newGenerator();
  }

  private JsonGenerator newGenerator() throws IOException {
    return new JsonFactory().createGenerator(buffer).setRootValueSeparator(null);
  }

  private KafkaProducer<byte[], byte[]> newProducer() {
    return new KafkaProducer<>(producerSettings, new ByteArraySerializer(), new ByteArraySerializer());
  }

  @Override
  public List<Rejection> send(SinkBatch batch) throws SinkException {
    List<LogRecord> records = batch.records();
    // filled by the producer's thread; a callback, not a future per record, so a success costs nothing to check
    Queue<Failure> failures = new ConcurrentLinkedQueue<>();
    try {
      if (producer == null) {
        producer = newProducer();
      }
      for (int i = 0; i < records.size(); i++) {
        LogRecord record = records.get(i);
        if (record.source() != lastSource) { // a batch's records come from one file after another
          lastSource = record.source();
          lastKey = key(record);
          lastTopic = topic.render(record);
        }
        int position = i;
        producer.send(new ProducerRecord<>(lastTopic, lastKey, value(record)), (metadata, error) -> {
          if (error != null) {
            failures.add(new Failure(position, error));
          }
        });
        if (!failures.isEmpty() && failures.stream().anyMatch(f -> !refusesTheRecord(f.cause()))) {
          // the batch goes again anyway; and a send that found no metadata (a topic the credentials may not see,
          // or that does not exist) has blocked for max.block.ms, which each further record would block again
          break;
        }
      }
      producer.flush(); // returns once every record sent is done, its callback run
    } catch (KafkaException | IllegalStateException e) {
      // refused before any broker saw it, by a producer that failed for good or was closed: a new one retries
      dropProducer();
      throw SinkException.retryable("producer", "the Kafka producer failed (made anew for the retry): " + e, e);
    } catch (IOException e) {
      // the shared generator may be mid-record: the next batch starts with a new one
      buffer.reset();
      generator = null;
      throw SinkException.retryable("encode", "cannot encode a record for Kafka: " + e, e);
    }
    List<Rejection> rejected = new ArrayList<>();
    SinkException retry = null;
    for (Failure failure : failures) {
      Throwable cause = failure.cause();
      if (refusesTheRecord(cause)) {
        rejected.add(new Rejection(failure.position(), cause.toString()));
      } else if (retry == null) {
        retry = classify(cause);
        if (!(cause instanceof RetriableException)) {
          // an idempotent producer stops for good after some faults (a sequence it cannot recover, a refused
          // producer id): the retry goes through a new one
          dropProducer();
        }
      }
    }
    if (retry != null) {
      throw retry; // some records were not written: the batch again (those that were become duplicates)
    }
    rejected.sort(Comparator.comparingInt(Rejection::position));
    return rejected;
  }

  /** A record the producer could not write, by its position in the batch. */
  private record Failure(int position, Exception cause) {}

  /** Errors about the record itself, which no retry can fix. */
  private static boolean refusesTheRecord(Throwable cause) {
    return cause instanceof RecordTooLargeException || cause instanceof InvalidTopicException
        || cause instanceof InvalidRecordException;
  }

  private static SinkException classify(Throwable cause) {
    String message = "Kafka did not accept the batch: " + cause;
    if (cause instanceof AuthenticationException || cause instanceof AuthorizationException) {
      return SinkException.retryable("unauthorized", message, cause);
    }
    if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
      return SinkException.retryable("timeout", message, cause);
    }
    return SinkException.retryable(cause instanceof RetriableException ? "retriable" : "kafka_error", message, cause);
  }

  /**
   * The cluster answers and, for a topic without placeholders, the topic exists (a template's topics are made
   * per namespace, so only the cluster is checked for it).
   */
  @Override
  public String check() throws SinkException {
    try (Admin admin = Admin.create(adminSettings)) {
      String nodes = admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() + " broker(s)";
      if (topic.fixed() != null) {
        admin.describeTopics(List.of(topic.fixed())).allTopicNames().get(5, TimeUnit.SECONDS);
        nodes += ", topic " + topic.fixed() + " exists";
      }
      return nodes;
    } catch (ExecutionException e) {
      throw SinkException.retryable("unreachable", "Kafka check failed: " + e.getCause(), e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw SinkException.retryable("unreachable", "Kafka did not answer within 5 s (" + brokers + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw SinkException.retryable("interrupted", "interrupted while checking Kafka", e);
    } catch (KafkaException e) {
      throw SinkException.retryable("unreachable", "Kafka check failed: " + e, e);
    }
  }

  private static byte[] key(LogRecord record) {
    String uid = record.source().podUid();
    return (uid.isEmpty() ? record.source().namespace() + "/" + record.source().pod() : uid)
        .getBytes(StandardCharsets.UTF_8);
  }

  private byte[] value(LogRecord record) throws IOException {
    if (generator == null) {
      generator = newGenerator();
    }
    json.write(record, generator);
    generator.flush();
    byte[] value = buffer.toByteArray();
    buffer.reset();
    return value;
  }

  private void dropProducer() {
    KafkaProducer<byte[], byte[]> failed = producer;
    producer = null;
    if (failed != null) {
      failed.close(Duration.ZERO); // what it still holds is sent again through the new one
    }
  }

  @Override
  public void close() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
  }
}

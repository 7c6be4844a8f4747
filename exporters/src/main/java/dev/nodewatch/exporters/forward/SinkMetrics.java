package dev.nodewatch.exporters.forward;

import dev.nodewatch.collectors.queue.DeadLetterQueue;
import dev.nodewatch.collectors.queue.QueueReader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** One sink's meters, tagged {@code sink}: what it sent, failed, retried, dead-lettered and skipped, and how fast. */
public final class SinkMetrics {

  private final MeterRegistry registry;
  private final String sink;
  private final Counter sent;
  private final Counter retries;
  private final Counter deadLettered;
  private final Counter filtered;
  private final Timer requests;
  private final Map<String, Counter> failed = new ConcurrentHashMap<>();

  public SinkMetrics(MeterRegistry registry, String sink) {
    this.registry = registry;
    this.sink = sink;
    this.sent = Counter.builder("nodewatch.sink.events.sent").description("Records the sink accepted.")
        .tag("sink", sink).register(registry);
    this.retries = Counter.builder("nodewatch.sink.retries").description("Batches sent again after a failure.")
        .tag("sink", sink).register(registry);
    this.deadLettered = Counter.builder("nodewatch.sink.events.dead.lettered")
        .description("Records the sink refused for good, kept in its dead-letter queue.").tag("sink", sink)
        .register(registry);
    this.filtered = Counter.builder("nodewatch.sink.events.filtered")
        .description("Records this sink skipped because they did not match its match: filter.").tag("sink", sink)
        .register(registry);
    // a handful of fixed buckets, not Micrometer's ~70 percentile buckets, to keep the scrape small
    this.requests = Timer.builder("nodewatch.sink.request.duration")
        .description("Time for one request to the sink, successful or not.").tag("sink", sink)
        .serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30))
        .register(registry);
  }

  /** Gauges read from the pipeline's parts. */
  void watch(QueueReader reader, DeadLetterQueue deadLetters, BooleanSupplier healthy) {
    Gauge.builder("nodewatch.sink.lag.events", reader, QueueReader::lagEvents)
        .description("Records in the queue the sink has not acknowledged yet.").tag("sink", sink).register(registry);
    Gauge.builder("nodewatch.sink.lag.bytes", reader, QueueReader::lagBytes)
        .description("Bytes of queue documents the sink has not acknowledged yet.").tag("sink", sink)
        .register(registry);
    Gauge.builder("nodewatch.sink.lag.documents", reader, QueueReader::lagDocuments)
        .description("Queue documents (batches) appended after the sink's last acknowledged one.")
        .tag("sink", sink).register(registry);
    // held strongly: Micrometer keeps a gauge's object weakly, and nothing else holds this lambda (it read NaN
    // after the first GC)
    Gauge.builder("nodewatch.sink.healthy", healthy, h -> h.getAsBoolean() ? 1 : 0)
        .description("1 when the sink's last health check or request succeeded.").tag("sink", sink)
        .strongReference(true).register(registry);
  }

  void sent(int events) {
    sent.increment(events);
  }

  /** Records in a request that failed, by why. */
  void failed(String reason, int events) {
    failed.computeIfAbsent(reason, r -> Counter.builder("nodewatch.sink.events.failed")
        .description("Records in requests the sink did not accept, by reason (retried unless dead-lettered).")
        .tag("sink", sink).tag("reason", r).register(registry)).increment(events);
  }

  void retried() {
    retries.increment();
  }

  void deadLettered(int events) {
    deadLettered.increment(events);
  }

  void filtered(int events) {
    filtered.increment(events);
  }

  void request(long nanos) {
    requests.record(nanos, TimeUnit.NANOSECONDS);
  }

  public double sentEvents() {
    return sent.count();
  }

  public double retries() {
    return retries.count();
  }

  public double deadLetteredEvents() {
    return deadLettered.count();
  }

  public double filteredEvents() {
    return filtered.count();
  }

  /** Failed records by reason, for the debug page. */
  public Map<String, Double> failedEvents() {
    Map<String, Double> byReason = new java.util.TreeMap<>();
    failed.forEach((reason, counter) -> byReason.put(reason, counter.count()));
    return byReason;
  }
}

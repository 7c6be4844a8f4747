package dev.nodewatch.exporters.forward;

import dev.nodewatch.collectors.queue.QueueReader;
import dev.nodewatch.collectors.runtime.Component;
import dev.nodewatch.collectors.runtime.LoopThread;
import dev.nodewatch.collectors.runtime.RateLimitedLog;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves records from the queue to one sink, on a thread of its own: poll a batch through the sink's reader, send
 * it, and acknowledge its index only once the sink accepted all of it. A batch the sink refused is sent again after
 * an exponential backoff with full jitter, for as long as it takes: the queue holds the backlog meanwhile, and when
 * it fills, the tailer pauses. Delivery is at least once: a crash between sending and acknowledging sends that one
 * batch again.
 */
public final class SinkPipeline implements Component {

  private static final Logger log = LoggerFactory.getLogger(SinkPipeline.class);
  /** How often an idle pipeline looks for new records: short, so delivery latency stays well under a second. */
  private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final String name;
  private final QueueReader reader;
  private final Sink sink;
  private final BatchConfig batch;
  private final RetryConfig retry;
  private final RateLimitedLog errors = new RateLimitedLog(log, Duration.ofMinutes(1));
  private final LongAdder sent = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final LoopThread loop;
  private volatile String lastError = "";

  public SinkPipeline(String name, QueueReader reader, Sink sink, BatchConfig batch, RetryConfig retry) {
    this.name = name;
    this.reader = reader;
    this.sink = sink;
    this.batch = batch;
    this.retry = retry;
    this.loop = new LoopThread("nodewatch-sink-" + name);
  }

  @Override
  public String name() {
    return "sink-" + name;
  }

  @Override
  public Future<Void> start() {
    loop.start(this::run);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    return loop.stop();
  }

  private void run() {
    try {
      while (loop.running()) {
        QueueReader.Polled polled;
        try {
          polled = reader.poll(batch.maxEvents());
        } catch (RuntimeException e) {
          // a queue file expired under the reader, or a document it cannot decode: counted, logged, tried again
          failed.increment();
          lastError = e.toString();
          errors.error("poll", "sink " + name + " cannot read the queue: " + e, null);
          loop.pause(retry.initial().toNanos());
          continue;
        }
        if (polled.isEmpty()) {
          loop.pause(Math.min(IDLE_POLL_NANOS, batch.maxWait().toNanos()));
          continue;
        }
        if (!polled.records().isEmpty() && !deliver(polled)) {
          return; // stopping with this batch unacknowledged: it is sent again after the restart
        }
        reader.ack(polled.lastIndex());
      }
    } finally {
      try {
        sink.close();
      } catch (Exception e) {
        log.warn("closing sink {}: {}", name, e.toString());
      }
    }
  }

  /** Sends until the sink accepts the batch; false when the pipeline is stopping first. */
  private boolean deliver(QueueReader.Polled polled) {
    long backoff = retry.initial().toNanos();
    while (true) {
      try {
        sink.send(polled.records());
        sent.add(polled.records().size());
        return true;
      } catch (Exception e) {
        failed.increment();
        lastError = e.toString();
        errors.error("send", "sink " + name + " did not accept a batch of " + polled.records().size()
            + " records; retrying: " + e, null);
      }
      if (!loop.running()) {
        return false;
      }
      retries.increment();
      if (!loop.pause(ThreadLocalRandom.current().nextLong(backoff + 1))) {
        return false;
      }
      backoff = Math.min(retry.max().toNanos(), backoff * 2);
    }
  }

  public long sentEvents() {
    return sent.sum();
  }

  public long failedRequests() {
    return failed.sum();
  }

  public long retries() {
    return retries.sum();
  }

  public QueueReader reader() {
    return reader;
  }

  public String lastError() {
    return lastError;
  }
}

package dev.nodewatch.exporters.forward;

import dev.nodewatch.collectors.runtime.LoopThread;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sink's health: the last check's or request's word on it. A check runs in the background, one at a time, when
 * the last word is older than {@code MAX_AGE} (a check may take seconds: a Kafka admin client connecting), so
 * neither the senders nor the debug page wait for one — except the senders after a start, which wait for its first
 * check (it may create the target: ClickHouse's table) for up to {@code FIRST_CHECK_WAIT}.
 */
public final class SinkHealth {

  /** The last health check or request: whether the sink answered, and what was wrong if not. */
  public record Health(boolean healthy, String detail, Instant at) {}

  private static final Logger log = LoggerFactory.getLogger(SinkHealth.class);
  static final Duration MAX_AGE = Duration.ofSeconds(10);
  static final long FIRST_CHECK_WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);
  private static final long WAIT_STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final String sink;
  /** The sink to check with; null while the pipeline is stopped. */
  private final Supplier<Sink> checked;
  private final AtomicBoolean checking = new AtomicBoolean();
  private volatile Health health = new Health(false, "not checked yet", Instant.EPOCH);
  private volatile CountDownLatch firstCheck = new CountDownLatch(1);

  SinkHealth(String sink, Supplier<Sink> checked) {
    this.sink = sink;
    this.checked = checked;
  }

  /** The last word; a background check starts when it is older than {@code MAX_AGE}. */
  Health get() {
    Health last = health;
    if (Duration.between(last.at(), Instant.now()).compareTo(MAX_AGE) > 0) {
      checkInBackground(false);
    }
    return last;
  }

  boolean healthy() {
    return health.healthy();
  }

  /** The pipeline started: its first check runs now, and is logged. */
  void started() {
    firstCheck = new CountDownLatch(1);
    checkInBackground(true);
  }

  /**
   * Waits for the first check after the start, for at most {@code FIRST_CHECK_WAIT} (a check that fails lets the
   * senders go: they retry until the sink answers).
   *
   * @return false when the sender is stopping first
   */
  boolean awaitFirstCheck(LoopThread loop) {
    long deadline = System.nanoTime() + FIRST_CHECK_WAIT_NANOS;
    while (firstCheck.getCount() > 0 && System.nanoTime() < deadline) {
      if (!loop.pause(WAIT_STEP_NANOS)) {
        return false;
      }
    }
    return true;
  }

  /** A request succeeded. */
  void answered() {
    if (!health.healthy()) {
      health = new Health(true, "accepted a request", Instant.now());
    }
  }

  void failed(String detail) {
    health = new Health(false, detail, Instant.now());
  }

  Health check(Sink sink) {
    Health result;
    try {
      result = new Health(true, sink.check(), Instant.now());
    } catch (SinkException e) {
      result = new Health(false, e.getMessage(), Instant.now());
    } catch (RuntimeException e) {
      result = new Health(false, e.toString(), Instant.now());
    }
    health = result;
    return result;
  }

  private void checkInBackground(boolean logResult) {
    Sink sinkNow = checked.get();
    if (sinkNow == null || !checking.compareAndSet(false, true)) {
      return; // not started: no sink to check with; or a check is running
    }
    CountDownLatch done = firstCheck;
    Thread thread = new Thread(() -> {
      try {
        Health result = check(sinkNow);
        if (logResult && result.healthy()) {
          log.info("sink {} is reachable: {}", sink, result.detail());
        } else if (logResult) {
          log.warn("sink {} failed its health check (records wait in the queue): {}", sink, result.detail());
        }
      } finally {
        checking.set(false);
        done.countDown();
      }
    }, "nodewatch-sink-" + sink + "-check");
    thread.setDaemon(true);
    thread.start();
  }
}

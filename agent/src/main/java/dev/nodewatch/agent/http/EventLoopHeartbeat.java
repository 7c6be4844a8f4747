package dev.nodewatch.agent.http;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Measures whether the event loop runs its timers on time. {@code /healthz} fails when the loop has not ticked
 * for {@code stallAfter}, which is what a blocked loop looks like from outside; the last observed lag is exported as
 * {@code nodewatch_event_loop_lag_seconds}.
 */
public final class EventLoopHeartbeat {

  private static final long TICK_MILLIS = 500;

  private final Vertx vertx;
  private final long stallAfterNanos;
  private volatile long lastTickNanos = System.nanoTime();
  private volatile long lagNanos;
  private volatile long timerId = -1;

  public EventLoopHeartbeat(Vertx vertx, Duration stallAfter, MeterRegistry meters) {
    this.vertx = vertx;
    this.stallAfterNanos = stallAfter.toNanos();
    Gauge.builder("nodewatch.event.loop.lag", this, h -> h.lagNanos / 1e9)
        .description("How late the event loop ran its last heartbeat timer")
        .baseUnit("seconds")
        .register(meters);
  }

  /** Runs on the event loop; call from there. */
  public void start() {
    lastTickNanos = System.nanoTime();
    timerId = vertx.setPeriodic(TICK_MILLIS, id -> {
      long now = System.nanoTime();
      lagNanos = Math.max(0, now - lastTickNanos - TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS));
      lastTickNanos = now;
    });
  }

  public void stop() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
  }

  public boolean healthy() {
    return System.nanoTime() - lastTickNanos < stallAfterNanos;
  }

  public Duration sinceLastTick() {
    return Duration.ofNanos(System.nanoTime() - lastTickNanos);
  }
}

package dev.nodewatch.collectors.runtime;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Logs a repeated error at most once per interval and key, saying how many were held back since.
 *
 * <p>An agent on every node of a cluster that logs each failed read or rejected batch floods the very log pipeline
 * it feeds; the error is counted in a metric every time and written to the log once per interval. Keys must be
 * bounded (a component and an error kind, not a file name per line).
 */
public final class RateLimitedLog {

  private final Logger logger;
  private final Duration interval;
  private final Clock clock;
  private final Map<String, Window> windows = new ConcurrentHashMap<>();

  public RateLimitedLog(Logger logger, Duration interval, Clock clock) {
    this.logger = logger;
    this.interval = interval;
    this.clock = clock;
  }

  public RateLimitedLog(Logger logger, Duration interval) {
    this(logger, interval, Clock.systemUTC());
  }

  /**
   * Logs at error level unless the same key was logged within the interval.
   *
   * @return true when the message was written
   */
  public boolean error(String key, String message, Throwable cause) {
    Window window = windows.computeIfAbsent(key, k -> new Window());
    long now = clock.millis();
    synchronized (window) {
      if (window.lastLoggedMillis != Long.MIN_VALUE && now - window.lastLoggedMillis < interval.toMillis()) {
        window.suppressed.incrementAndGet();
        return false;
      }
      long held = window.suppressed.getAndSet(0);
      window.lastLoggedMillis = now;
      String text = held == 0 ? message : message + " (" + held + " similar messages suppressed)";
      if (cause == null) {
        logger.error(text);
      } else {
        logger.error(text, cause);
      }
      return true;
    }
  }

  private static final class Window {
    private long lastLoggedMillis = Long.MIN_VALUE;
    private final AtomicLong suppressed = new AtomicLong();
  }
}

package dev.nodewatch.exporters.forward;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * Exponential backoff with full jitter: the n-th wait is uniform in [0, min(max, initial·2ⁿ)], so senders that
 * failed together do not retry together. A throttling server's Retry-After wins over {@code max}, within
 * {@code MAX_RETRY_AFTER}, but never shortens the wait. One per retry loop; not thread-safe.
 */
final class Backoff {

  /** The longest Retry-After honoured: a server asking for more is asked again after this. */
  static final long MAX_RETRY_AFTER_NANOS = Duration.ofMinutes(5).toNanos();

  private final long initial;
  private final long max;
  /** Picks in [0, bound]: random, or fixed in tests. */
  private final LongUnaryOperator jitter;
  private long ceiling;

  Backoff(RetryConfig retry) {
    this(retry.initial().toNanos(), retry.max().toNanos(), bound -> ThreadLocalRandom.current().nextLong(bound + 1));
  }

  Backoff(long initialNanos, long maxNanos, LongUnaryOperator jitter) {
    this.initial = initialNanos;
    this.max = maxNanos;
    this.jitter = jitter;
    this.ceiling = initialNanos;
  }

  /** The next wait, in nanoseconds; the one after may be up to twice as long. */
  long next() {
    long wait = jitter.applyAsLong(ceiling);
    ceiling = Math.min(max, ceiling * 2);
    return wait;
  }

  /** The next wait after a throttled answer that may say how long to wait ({@code null} when it does not). */
  long next(Duration retryAfter) {
    long wait = next();
    return retryAfter == null ? wait : Math.max(wait, Math.min(retryAfter.toNanos(), MAX_RETRY_AFTER_NANOS));
  }

  /** Back to the first, short wait (after a success). */
  void reset() {
    ceiling = initial;
  }
}

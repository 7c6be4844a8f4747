package dev.nodewatch.exporters.forward;

import java.time.Duration;

/**
 * Why a sink did not accept a batch, and what the pipeline should do about it: send it again after a backoff
 * ({@link Kind#RETRYABLE}), after the time the server asked for ({@link Kind#THROTTLED}), or never, because the
 * records themselves were refused ({@link Kind#PERMANENT}: they go to the dead-letter queue).
 */
public final class SinkException extends Exception {

  public enum Kind { RETRYABLE, THROTTLED, PERMANENT }

  private final Kind kind;
  private final String reason;
  private final Duration retryAfter;
  private final boolean smallerMayPass;
  private final String mismatch;

  private SinkException(Kind kind, String reason, Duration retryAfter, boolean smallerMayPass, String mismatch,
      String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.reason = reason;
    this.retryAfter = retryAfter;
    this.smallerMayPass = smallerMayPass;
    this.mismatch = mismatch;
  }

  /**
   * @param reason a short, fixed word for the metric label ({@code timeout}, {@code connection}, {@code http_5xx}…)
   */
  public static SinkException retryable(String reason, String message, Throwable cause) {
    return new SinkException(Kind.RETRYABLE, reason, null, false, null, message, cause);
  }

  /** @param retryAfter what the server asked for; null when it did not say (the backoff applies) */
  public static SinkException throttled(String reason, Duration retryAfter, String message) {
    return new SinkException(Kind.THROTTLED, reason, retryAfter, false, null, message, null);
  }

  /**
   * The server is short of a resource for a batch this size (memory, a request limit): throttled like
   * {@link #throttled}, and when it keeps saying so the pipeline sends the batch in halves.
   */
  public static SinkException tooLarge(String reason, String message) {
    return new SinkException(Kind.THROTTLED, reason, null, true, null, message, null);
  }

  /**
   * Records refused for good with an error that a target not matching them would also give (a column of another
   * type: every record fails to parse or convert). {@code mismatch} names the error exactly (a server's error
   * code): the pipeline treats the sink as misconfigured when single records of the batch all fail with the same
   * one, instead of dead-lettering every record.
   */
  public static SinkException refusedShape(String mismatch, String message) {
    return new SinkException(Kind.PERMANENT, "rejected", null, false, mismatch, message, null);
  }

  /**
   * The request was larger than the server takes (HTTP 413): the pipeline sends the batch again in halves at once,
   * and dead-letters a single record that is still refused.
   */
  public static SinkException bodyTooLarge(String message) {
    return new SinkException(Kind.PERMANENT, "too_large", null, true, null, message, null);
  }

  public static SinkException permanent(String reason, String message, Throwable cause) {
    return new SinkException(Kind.PERMANENT, reason, null, false, null, message, cause);
  }

  public Kind kind() {
    return kind;
  }

  public String reason() {
    return reason;
  }

  /**
   * Whether a smaller batch might be accepted where this one was not (see {@link #tooLarge} and
   * {@link #bodyTooLarge}).
   */
  public boolean smallerMayPass() {
    return smallerMayPass;
  }

  /** The exact error, when a target that does not match the records could be the cause; null otherwise. */
  public String mismatch() {
    return mismatch;
  }

  /** What the server asked for, or null. */
  public Duration retryAfter() {
    return retryAfter;
  }
}

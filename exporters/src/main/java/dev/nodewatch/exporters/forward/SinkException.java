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

  public static SinkException permanent(String reason, String message, Throwable cause) {
    return new SinkException(Kind.PERMANENT, reason, null, false, null, message, cause);
  }

  /**
   * The usual meaning of an HTTP answer that was not a success: 429, and 503 with Retry-After, throttle; other
   * 5xx and 408 are retried; 401, 403 and 404 are retried too, because they mean the sink is misconfigured (a
   * credential, a permission, a missing table or index), and sending the records to the dead-letter queue would
   * lose every one until an operator fixes it, while the queue can hold them; any other 4xx refuses the records.
   *
   * @param retryAfter the Retry-After header, or null
   */
  public static SinkException forHttpStatus(int status, String retryAfter, String detail) {
    String message = "HTTP " + status + (detail == null || detail.isBlank() ? "" : ": " + detail);
    Duration after = RetryAfter.parse(retryAfter);
    if (status == 429 || (status == 503 && after != null)) {
      return throttled("throttled", after, message);
    }
    if (status >= 500 || status == 408) {
      return retryable("http_5xx", message, null);
    }
    if (status == 401 || status == 403) {
      return retryable("unauthorized", message, null);
    }
    if (status == 404) {
      return retryable("not_found", message, null);
    }
    return permanent("rejected", message, null);
  }

  public Kind kind() {
    return kind;
  }

  public String reason() {
    return reason;
  }

  /** Whether a smaller batch might be accepted where this one was not (see {@link #tooLarge}). */
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

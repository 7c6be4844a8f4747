package dev.nodewatch.exporters.http;

import dev.nodewatch.exporters.forward.SinkException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import javax.net.ssl.SSLException;

/**
 * What every HTTP sink does with an answer that is not a success, and with a request that got no answer. A sink
 * with its own error codes (ClickHouse's) reads those first and falls back to this.
 *
 * <table>
 *   <caption>status → what happens to the batch</caption>
 *   <tr><td>429; 503 with Retry-After</td><td>throttled: sent again after Retry-After (seconds or a date), or
 *       the backoff when it is absent</td></tr>
 *   <tr><td>408, 500, 502, 504, other 5xx, 503 without Retry-After</td><td>retried with backoff</td></tr>
 *   <tr><td>401, 403, 404, 3xx</td><td>retried: the sink is misconfigured (a credential, a permission, a missing
 *       index or a moved endpoint), and dead-lettering would lose every record until someone fixes it, while the
 *       queue can hold them</td></tr>
 *   <tr><td>413</td><td>sent again in halves at once; a single record still too large is dead-lettered</td></tr>
 *   <tr><td>400 and any other 4xx</td><td>the records are refused for good: dead-lettered with the server's
 *       reason</td></tr>
 *   <tr><td>connection refused or reset, DNS, TLS, timeout</td><td>retried with backoff</td></tr>
 * </table>
 */
public final class HttpStatusTable {

  private HttpStatusTable() {}

  /**
   * @param retryAfter the Retry-After header, or null
   * @param detail who answered and what it said (already cut and redacted)
   */
  public static SinkException forStatus(int status, String retryAfter, String detail) {
    String message = "HTTP " + status + (detail == null || detail.isBlank() ? "" : ": " + detail);
    Duration after = RetryAfter.parse(retryAfter);
    if (status == 429 || (status == 503 && after != null)) {
      return SinkException.throttled("throttled", after, message);
    }
    if (status == 408) {
      return SinkException.retryable("timeout", message, null);
    }
    if (status >= 500) {
      return SinkException.retryable("http_5xx", message, null);
    }
    if (status == 401 || status == 403) {
      return SinkException.retryable("unauthorized", message, null);
    }
    if (status == 404) {
      return SinkException.retryable("not_found", message, null);
    }
    if (status == 413) {
      return SinkException.bodyTooLarge(message);
    }
    if (status >= 300 && status < 400) {
      return SinkException.retryable("redirect", message + " (the endpoint has moved: set it to where it went)",
          null);
    }
    return SinkException.permanent("rejected", message, null);
  }

  /** A request that got no answer: every such failure is retried; the reason says which it was. */
  public static SinkException forNetworkError(Throwable error, String who) {
    String reason = "http_error";
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SSLException) {
        reason = "tls";
        break;
      }
      if (t instanceof UnknownHostException) {
        reason = "dns";
        break;
      }
      if (t instanceof ConnectException) {
        reason = "connection";
        break;
      }
      if (t instanceof java.util.concurrent.TimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
        reason = "timeout";
        break;
      }
      if (t instanceof io.vertx.core.http.HttpClosedException || t instanceof java.io.IOException) {
        reason = "connection";
        break;
      }
    }
    return SinkException.retryable(reason, who + ": " + describe(error), error);
  }

  private static String describe(Throwable error) {
    String message = error.getMessage();
    return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}

package dev.nodewatch.exporters.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** The HTTP Retry-After header: seconds, or an HTTP date (RFC 9110 §10.2.3). */
public final class RetryAfter {

  private RetryAfter() {}

  /** The wait the header asks for (never negative), or null when absent or unreadable. */
  public static Duration parse(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    String value = header.trim();
    if (value.chars().allMatch(Character::isDigit)) {
      return value.length() > 9 ? Duration.ofDays(1) : Duration.ofSeconds(Long.parseLong(value));
    }
    try {
      Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration wait = Duration.between(Instant.now(), at);
      return wait.isNegative() ? Duration.ZERO : wait;
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}

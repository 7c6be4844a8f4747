package dev.nodewatch.exporters.sink.clickhouse;

import dev.nodewatch.exporters.forward.SinkException;
import dev.nodewatch.exporters.http.HttpReply;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a ClickHouse error means for the batch. ClickHouse answers bad input with HTTP 500 as often as with 400, so
 * the decision rests on its error code (the {@code X-ClickHouse-Exception-Code} header, or {@code Code: N} at the
 * start of the body on older servers): codes about the data refuse the records for good; too many parts and memory
 * limits ask to slow down; the rest follow the HTTP status.
 */
final class ClickHouseErrors {

  static final int UNKNOWN_TABLE = 60;

  /**
   * Codes saying a value cannot be parsed into or converted to its column's type. The sink's rows are well formed
   * and its values fit its own table's types, so these mean a column of another type, unless one value is odd:
   * the pipeline tells the two apart (see {@link SinkException#refusedShape}).
   */
  private static final Set<Integer> TYPE_ERRORS = Set.of(
      6,   // CANNOT_PARSE_TEXT
      26,  // CANNOT_PARSE_QUOTED_STRING
      27,  // CANNOT_PARSE_INPUT_ASSERTION_FAILED
      38,  // CANNOT_PARSE_DATE
      41,  // CANNOT_PARSE_DATETIME
      53,  // TYPE_MISMATCH
      70,  // CANNOT_CONVERT_TYPE
      72,  // CANNOT_PARSE_NUMBER
      117, // INCORRECT_DATA
      349); // CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
  /** Codes saying a value of the batch is refused by a rule of the table, whatever the retries. */
  private static final Set<Integer> BAD_DATA = Set.of(
      69,  // ARGUMENT_OUT_OF_BOUND
      131, // TOO_LARGE_STRING_SIZE
      395, // FUNCTION_THROW_IF_VALUE_IS_NON_ZERO
      469); // VIOLATED_CONSTRAINT
  /** Codes asking the client to come back later. */
  private static final Set<Integer> SLOW_DOWN = Set.of(
      202, // TOO_MANY_SIMULTANEOUS_QUERIES
      252); // TOO_MANY_PARTS
  static final int MEMORY_LIMIT_EXCEEDED = 241;

  private static final Pattern BODY_CODE = Pattern.compile("^Code: (\\d+)");

  private ClickHouseErrors() {}

  /** The error code from the header or the body; 0 when neither has one. */
  static int code(String header, String body) {
    if (header != null && header.matches("\\d{1,6}")) {
      return Integer.parseInt(header);
    }
    Matcher m = BODY_CODE.matcher(body);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }

  /**
   * @param code ClickHouse's error code in the answer, 0 for none
   * @param byStatus what the shared HTTP status table makes of the answer, for errors without a known code
   */
  static SinkException classify(HttpReply reply, int code, SinkException byStatus) {
    String detail = "(HTTP " + reply.status() + "): " + reply.errorText();
    if (TYPE_ERRORS.contains(code)) {
      return SinkException.refusedShape("clickhouse-" + code, "ClickHouse refused the data " + detail);
    }
    if (BAD_DATA.contains(code)) {
      return SinkException.permanent("rejected", "ClickHouse refused the data " + detail, null);
    }
    if (code == MEMORY_LIMIT_EXCEEDED) {
      return SinkException.tooLarge("throttled", "ClickHouse ran out of memory for the batch " + detail);
    }
    if (SLOW_DOWN.contains(code)) {
      return SinkException.throttled("throttled", null, "ClickHouse asks to slow down " + detail);
    }
    if (code == UNKNOWN_TABLE) {
      return SinkException.retryable("not_found", "ClickHouse " + detail, null);
    }
    return byStatus;
  }
}

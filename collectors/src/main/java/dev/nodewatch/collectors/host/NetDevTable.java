package dev.nodewatch.collectors.host;

/**
 * Parses the {@code /proc/<pid>/net/dev} table: two header lines, then one line per interface, {@code name:}
 * followed by 16 counters (8 receive, then 8 transmit: bytes, packets, errs, drop, fifo, frame or colls,
 * compressed, multicast or carrier). Shared by the host's netdev collector and the per-pod network metrics.
 */
public final class NetDevTable {

  public static final int COLUMNS = 16;
  public static final int RX_BYTES = 0;
  public static final int RX_PACKETS = 1;
  public static final int RX_ERRORS = 2;
  public static final int RX_DROPPED = 3;
  public static final int TX_BYTES = 8;
  public static final int TX_PACKETS = 9;
  public static final int TX_ERRORS = 10;
  public static final int TX_DROPPED = 11;

  /** Receives one interface's counters; the array is reused for the next row. */
  @FunctionalInterface
  public interface Row {
    void accept(String device, long[] counters);
  }

  private NetDevTable() {}

  /**
   * Calls {@code row} for every well-formed interface line, counters as unsigned 64-bit values in longs.
   *
   * @return how many lines were malformed and skipped
   */
  public static int parse(String text, Row row) {
    int[] starts = new int[COLUMNS];
    int[] ends = new int[COLUMNS];
    long[] values = new long[COLUMNS];
    int garbage = 0;
    int pos = 0;
    int length = text.length();
    int lineNumber = 0;
    while (pos < length) {
      int eol = text.indexOf('\n', pos);
      if (eol < 0) {
        eol = length;
      }
      int lineStart = pos;
      pos = eol + 1;
      // Two header lines name the columns.
      if (++lineNumber <= 2 || lineStart == eol) {
        continue;
      }
      int colon = text.indexOf(':', lineStart);
      if (colon < 0 || colon >= eol) {
        garbage++;
        continue;
      }
      String device = text.substring(lineStart, colon).strip();
      if (device.isEmpty() || KernelText.tokenize(text, colon + 1, eol, starts, ends) < COLUMNS) {
        garbage++;
        continue;
      }
      try {
        for (int i = 0; i < COLUMNS; i++) {
          values[i] = Long.parseUnsignedLong(text, starts[i], ends[i], 10);
        }
      } catch (NumberFormatException e) {
        garbage++;
        continue;
      }
      row.accept(device, values);
    }
    return garbage;
  }

  /** A kernel {@code u64} as a double, rounding like a native unsigned conversion. */
  public static double toDouble(long counter) {
    return KernelText.unsignedToDouble(counter);
  }
}

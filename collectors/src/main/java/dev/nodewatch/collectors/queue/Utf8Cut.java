package dev.nodewatch.collectors.queue;

/** Where a line of valid UTF-8 may be cut short without splitting a character. */
public final class Utf8Cut {

  private Utf8Cut() {}

  /**
   * The length of the longest start of {@code utf8[from, from + length)} of at most {@code max} bytes that ends at a
   * character boundary.
   */
  public static int length(byte[] utf8, int from, int length, int max) {
    if (length <= max) {
      return length;
    }
    int cut = Math.max(0, max);
    while (cut > 0 && (utf8[from + cut] & 0xC0) == 0x80) {
      cut--; // not inside a multi-byte character: back to the first byte of the one that does not fit
    }
    return cut;
  }
}

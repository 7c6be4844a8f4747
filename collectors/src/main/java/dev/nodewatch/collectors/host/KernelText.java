package dev.nodewatch.collectors.host;

/**
 * Allocation-free pieces for parsing procfs tables in place: the host collectors run on every scrape, and splitting
 * each line into strings would cost more than the rest of the parse.
 */
final class KernelText {

  private KernelText() {}

  /**
   * Splits {@code text[from, to)} at runs of blanks, recording up to {@code starts.length} tokens; returns how many
   * tokens there are in all.
   */
  static int tokenize(String text, int from, int to, int[] starts, int[] ends) {
    int count = 0;
    int i = from;
    while (i < to) {
      char c = text.charAt(i);
      if (c == ' ' || c == '\t') {
        i++;
        continue;
      }
      int start = i;
      while (i < to && (c = text.charAt(i)) != ' ' && c != '\t') {
        i++;
      }
      if (count < starts.length) {
        starts[count] = start;
        ends[count] = i;
      }
      count++;
    }
    return count;
  }

  /** A kernel {@code u64} as a double, rounding like a native unsigned conversion. */
  static double unsignedToDouble(long v) {
    return v >= 0 ? v : (double) ((v >>> 1) | (v & 1)) * 2.0;
  }

  /**
   * Parses up to {@code out.length} space-separated unsigned decimal fields from {@code from}; returns how many,
   * or -1 when one of them is not a number.
   */
  static int parseFields(String line, int from, long[] out) {
    int n = 0;
    int i = from;
    int len = line.length();
    while (n < out.length) {
      while (i < len && line.charAt(i) == ' ') {
        i++;
      }
      if (i == len) {
        break;
      }
      long v = 0;
      int start = i;
      for (; i < len && line.charAt(i) != ' '; i++) {
        char c = line.charAt(i);
        if (c < '0' || c > '9' || i - start > 18) {
          return -1;
        }
        v = v * 10 + (c - '0');
      }
      out[n++] = v;
    }
    return n;
  }
}

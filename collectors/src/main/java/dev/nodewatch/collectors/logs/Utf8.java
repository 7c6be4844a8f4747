package dev.nodewatch.collectors.logs;

import java.nio.charset.StandardCharsets;

/** Keeps what the tailer passes on valid UTF-8 without decoding the lines that are plain ASCII. */
final class Utf8 {

  private Utf8() {}

  /** Whether {@code bytes[from, to)} is ASCII, and so valid UTF-8 as it is (one pass, no copy). */
  static boolean ascii(byte[] bytes, int from, int to) {
    int high = 0;
    for (int i = from; i < to; i++) {
      high |= bytes[i];
    }
    return high >= 0;
  }

  /**
   * {@code bytes[from, to)} decoded and encoded again, which replaces each invalid sequence (a cut character, a
   * binary file) by U+FFFD and leaves valid UTF-8 as it was.
   */
  static byte[] repaired(byte[] bytes, int from, int to) {
    return new String(bytes, from, to - from, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
  }
}

package dev.nodewatch.collectors.logs;

import java.nio.charset.StandardCharsets;

/** Keeps what the tailer passes on valid UTF-8 without decoding the lines that are plain ASCII. */
final class Utf8 {

  private Utf8() {}

  /**
   * {@code bytes} itself when it is ASCII (one pass, no copy); otherwise the bytes after decoding and encoding
   * again, which replaces each invalid sequence (a cut character, a binary file) by U+FFFD and leaves valid UTF-8 as
   * it was.
   */
  static byte[] valid(byte[] bytes, int length) {
    int high = 0;
    for (int i = 0; i < length; i++) {
      high |= bytes[i];
    }
    if (high >= 0) {
      return length == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, length);
    }
    return new String(bytes, 0, length, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
  }
}

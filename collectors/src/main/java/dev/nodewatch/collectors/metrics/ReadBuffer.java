package dev.nodewatch.collectors.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One thread's buffer for reading many small kernel files in a row: a container collection reads some ten thousand,
 * and a fresh buffer plus a trimmed copy per file was a third of its allocation. Not thread-safe; the text returned
 * is a new string, so the buffer can be reused at once.
 */
public final class ReadBuffer {

  private byte[] bytes = new byte[4096];

  /**
   * The whole file as ASCII text (kernel interfaces write nothing else), or null when it does not exist. Reads until
   * end of file, so it suits cgroup and sysfs files; {@code /proc/sys} files answer only a first read, which this
   * also handles since the buffer holds any sysctl value.
   */
  public String asciiOrNull(Path file) throws IOException {
    int length = 0;
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(bytes, length, bytes.length - length)) > 0; ) {
        length += n;
        if (length == bytes.length) {
          bytes = Arrays.copyOf(bytes, bytes.length * 2);
        }
      }
    } catch (NoSuchFileException e) {
      return null;
    }
    return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
  }
}

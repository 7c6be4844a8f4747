package dev.nodewatch.collectors.metrics;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * One thread's buffer for reading many small kernel files in a row: a container collection reads some ten thousand,
 * and a fresh buffer plus a trimmed copy per file was a third of its allocation. The buffer is direct, so the
 * channel reads into it without the temporary copy it makes for heap buffers. Not thread-safe; the text returned is
 * a new string, so the buffer can be reused at once.
 */
public final class ReadBuffer {

  private ByteBuffer buffer = ByteBuffer.allocateDirect(4096);
  private byte[] bytes = new byte[4096];

  /**
   * The whole file as ASCII text (kernel interfaces write nothing else), or null when it does not exist. Reads until
   * end of file, so it suits cgroup and sysfs files; {@code /proc/sys} files answer only a first read, which this
   * also handles since the buffer holds any sysctl value.
   */
  public String asciiOrNull(Path file) throws IOException {
    buffer.clear();
    try (FileChannel channel = FileChannel.open(file)) {
      while (channel.read(buffer) > 0) {
        if (!buffer.hasRemaining()) {
          ByteBuffer larger = ByteBuffer.allocateDirect(buffer.capacity() * 2);
          buffer.flip();
          larger.put(buffer);
          buffer = larger;
        }
      }
    } catch (NoSuchFileException e) {
      return null;
    }
    int length = buffer.position();
    if (bytes.length < length) {
      bytes = new byte[buffer.capacity()];
    }
    buffer.flip().get(bytes, 0, length);
    return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
  }
}

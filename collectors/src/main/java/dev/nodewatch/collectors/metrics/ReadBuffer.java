package dev.nodewatch.collectors.metrics;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * One thread's buffer for reading many small kernel files in a row: a container collection reads some ten thousand,
 * and a fresh buffer plus a trimmed copy per file was a third of its allocation. The buffer is direct, so the
 * channel reads into it without the temporary copy it makes for heap buffers. Not thread-safe. The array
 * {@link #bytes()} returns is this buffer's own, overwritten by the next read, so parse it before reading another
 * file.
 */
public final class ReadBuffer {

  private ByteBuffer buffer = ByteBuffer.allocateDirect(4096);
  private byte[] bytes = new byte[4096];

  /** Which files a read that leaves room in the buffer has read to the end. */
  public enum Kind {
    /**
     * A kernfs attribute printed by one call into the kernel's buffer (a value, {@code cpu.stat}, {@code io.stat}), or
     * a regular file: a read that does not fill the buffer has given everything, which saves the second read that
     * would only return end of file (a sixth of the cost of reading such a file here).
     */
    ONE_RECORD,
    /**
     * A file printed one record per entry ({@code cgroup.procs}): the kernel may stop a read short once its own
     * page-sized buffer is full, so it is read until end of file.
     */
    RECORDS
  }

  /**
   * Reads the whole file into {@link #bytes()}, where it stays until the next read: the parsers of cgroup files take
   * their numbers from there without a string per file. Returns the length, or -1 when the file does not exist.
   */
  public int read(Path file, Kind kind) throws IOException {
    buffer.clear();
    try (FileChannel channel = FileChannel.open(file)) {
      while (channel.read(buffer) > 0) {
        if (!buffer.hasRemaining()) {
          ByteBuffer larger = ByteBuffer.allocateDirect(buffer.capacity() * 2);
          buffer.flip();
          larger.put(buffer);
          buffer = larger;
        } else if (kind == Kind.ONE_RECORD) {
          break;
        }
      }
    } catch (NoSuchFileException e) {
      return -1;
    }
    int length = buffer.position();
    if (bytes.length < length) {
      bytes = new byte[buffer.capacity()];
    }
    buffer.flip().get(bytes, 0, length);
    return length;
  }

  /** The last file read, from index 0 to the length {@link #read} returned. */
  public byte[] bytes() {
    return bytes;
  }
}

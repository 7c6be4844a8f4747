package dev.nodewatch.exporters.prometheus;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A response body built as a list of buffers that are each filled once and never copied: a node with 1,000 containers
 * renders 14 MiB, which as one buffer meant a guessed size with slack, a second half copied in, and one array too
 * large for the young generation. Chunks grow from 64 KiB to 1 MiB, so a small body stays one small chunk. Not
 * thread-safe; each rendering thread fills its own and {@link #append(BodyChunks)} joins them.
 */
final class BodyChunks {

  private static final int FIRST = 64 * 1024;
  private static final int LARGEST = 1024 * 1024;

  private final List<Buffer> chunks = new ArrayList<>();
  private Buffer current;
  private int room;
  private int length;

  void append(byte[] bytes, int offset, int count) {
    while (count > 0) {
      if (room == 0) {
        int size = Math.min(LARGEST, Math.max(FIRST, length));
        current = Buffer.buffer(size);
        chunks.add(current);
        room = size;
      }
      int n = Math.min(count, room);
      current.appendBytes(bytes, offset, n);
      room -= n;
      offset += n;
      count -= n;
      length += n;
    }
  }

  void append(byte[] bytes) {
    append(bytes, 0, bytes.length);
  }

  /** Takes over another body's chunks after this one's, without copying them. */
  void append(BodyChunks other) {
    chunks.addAll(other.chunks);
    length += other.length;
    current = null;
    room = 0; // the other's last chunk may be partly filled: a later append starts a new one
  }

  int length() {
    return length;
  }

  List<Buffer> chunks() {
    return List.copyOf(chunks);
  }
}

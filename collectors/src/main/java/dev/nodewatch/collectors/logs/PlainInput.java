package dev.nodewatch.collectors.logs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** A plain log file, read through its descriptor with positional reads (it can be read after it was deleted). */
final class PlainInput implements LogInput {

  private final FileChannel channel;

  PlainInput(FileChannel channel) {
    this.channel = channel;
  }

  FileChannel channel() {
    return channel;
  }

  @Override
  public int read(ByteBuffer into, long position) throws IOException {
    return channel.read(into, position);
  }

  @Override
  public long size() throws IOException {
    return channel.size();
  }

  @Override
  public ByteBuffer head(int length) throws IOException {
    ByteBuffer head = ByteBuffer.allocate(length);
    while (head.hasRemaining() && channel.read(head, head.position()) > 0) {
      // positional reads until full or at the end
    }
    return head.flip();
  }

  @Override
  public boolean growable() {
    return true;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}

package dev.nodewatch.exporters.http;

import io.vertx.core.buffer.Buffer;
import java.io.OutputStream;

/** Writes into a Vert.x {@link Buffer}, so a request body is encoded where it is sent from, without a copy. */
public final class BufferOutputStream extends OutputStream {

  private final Buffer buffer;

  public BufferOutputStream(Buffer buffer) {
    this.buffer = buffer;
  }

  @Override
  public void write(int b) {
    buffer.appendByte((byte) b);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) {
    buffer.appendBytes(bytes, offset, length);
  }
}

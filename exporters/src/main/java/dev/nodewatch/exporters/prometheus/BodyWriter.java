package dev.nodewatch.exporters.prometheus;

import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A UTF-8 {@link Writer} into a response body, for one thread. simpleclient's text format escapes label values one
 * {@code append(char)} at a time; through {@code BufferedWriter} each of those takes a lock and an open check, which
 * made rendering 40,000 container series take longer than collecting them. Here a character is an array store, and
 * 8 KiB of characters are encoded at once.
 */
final class BodyWriter extends Writer {

  private static final int CHUNK = 8192;

  private final BodyChunks body;
  private final char[] chars = new char[CHUNK];
  private final byte[] bytes = new byte[CHUNK * 3];
  private final CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
      .onMalformedInput(CodingErrorAction.REPLACE)
      .onUnmappableCharacter(CodingErrorAction.REPLACE);
  private int used;

  BodyWriter(BodyChunks body) {
    this.body = body;
  }

  @Override
  public void write(int c) {
    if (used == CHUNK) {
      encode(false);
    }
    chars[used++] = (char) c;
  }

  @Override
  public Writer append(char c) {
    write(c);
    return this;
  }

  @Override
  public void write(String s, int offset, int length) {
    while (length > 0) {
      if (used == CHUNK) {
        encode(false);
      }
      int n = Math.min(length, CHUNK - used);
      s.getChars(offset, offset + n, chars, used);
      used += n;
      offset += n;
      length -= n;
    }
  }

  @Override
  public void write(char[] source, int offset, int length) {
    while (length > 0) {
      if (used == CHUNK) {
        encode(false);
      }
      int n = Math.min(length, CHUNK - used);
      System.arraycopy(source, offset, chars, used, n);
      used += n;
      offset += n;
      length -= n;
    }
  }

  @Override
  public void flush() {
    encode(false);
  }

  @Override
  public void close() {
    encode(true);
  }

  /**
   * Encodes the characters held so far into the body. A high surrogate at the very end waits for its pair in the
   * next chunk unless this is the end of input.
   */
  private void encode(boolean endOfInput) {
    CharBuffer in = CharBuffer.wrap(chars, 0, used);
    ByteBuffer out = ByteBuffer.wrap(bytes);
    CoderResult result = encoder.encode(in, out, endOfInput);
    if (result.isOverflow()) {
      throw new IllegalStateException("3 bytes per char always fit: " + result);
    }
    if (endOfInput) {
      encoder.flush(out);
      encoder.reset();
    }
    body.append(bytes, 0, out.position());
    int left = in.remaining();
    System.arraycopy(chars, in.position(), chars, 0, left);
    used = left;
  }
}

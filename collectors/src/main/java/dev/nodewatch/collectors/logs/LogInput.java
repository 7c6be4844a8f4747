package dev.nodewatch.collectors.logs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The bytes of one log file as the tailer reads them: a plain file through its descriptor, or a rotated file
 * kubelet compressed, decompressed as it is read. Positions are always in the uncompressed content, so a file read
 * to offset X before it was compressed is resumed at X in its {@code .gz}.
 */
interface LogInput extends Closeable {

  /** Reads into {@code into} from {@code position}; -1 at the end. */
  int read(ByteBuffer into, long position) throws IOException;

  /**
   * How long the content is now: a plain file's size; for a compressed file, {@link Long#MAX_VALUE} until its end
   * was read (its uncompressed length is not known before).
   */
  long size() throws IOException;

  /** The first {@code length} bytes of the content (fewer when it is shorter): what identifies it. */
  ByteBuffer head(int length) throws IOException;

  /** Whether the content can still grow (a plain file someone may write to; never a compressed one). */
  boolean growable();

  /**
   * The reader hands back the bytes it read but did not use (an unfinished last line, {@code length} bytes from
   * {@code position}): the next read starts there. A plain file reads them again at no cost; a compressed one keeps
   * them, as its stream cannot go back without starting over.
   */
  default void unread(byte[] bytes, int from, int length, long position) {
    // a positional read gets them again from the file
  }
}

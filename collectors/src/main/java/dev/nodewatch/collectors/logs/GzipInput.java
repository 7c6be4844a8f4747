package dev.nodewatch.collectors.logs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.util.zip.GZIPInputStream;

/**
 * A rotated log file kubelet compressed ({@code 0.log.<time>.gz}), decompressed with the JDK's inflater as it is
 * read, forward only: a read at a later position skips the bytes between, one at an earlier position (a failed
 * batch read again) starts the stream over. The descriptor stays open, so the file is read to its end even if
 * kubelet deletes it meanwhile. A stream that is not gzip or is cut short fails the read with an
 * {@link IOException}; {@link #compressedBytesLeft()} then says how much of the file could not be read.
 */
final class GzipInput implements LogInput {

  /** Small: on a node coming back from a restart, every container's oldest rotated file may be read at once. */
  private static final int INFLATE_BUFFER = 16 * 1024;

  private final FileChannel channel;
  private InputStream stream;
  /** The uncompressed position the stream is at. */
  private long at;
  private long size = Long.MAX_VALUE;
  private final byte[] skipBuffer = new byte[8192];
  /** Bytes handed back by the reader ({@link #unread}), which come next, from {@code unreadAt}. */
  private byte[] unread;
  private int unreadFrom;
  private long unreadAt = -1;
  private int starts;

  GzipInput(FileChannel channel) {
    this.channel = channel;
  }

  private IOException corruption;

  /**
   * Reads decompressed content from {@code position}. A stream that cannot be decompressed further (not gzip, cut
   * short, a bad block) ends where it broke: what came before is content like any other, and
   * {@link #corruption()} says why it ended.
   */
  @Override
  public int read(ByteBuffer into, long position) throws IOException {
    if (position >= size) {
      return -1;
    }
    if (unread != null && position >= unreadAt && position < unreadAt + (unread.length - unreadFrom)) {
      // what the reader handed back: served from memory, the stream stays where it is
      int skip = (int) (position - unreadAt);
      int n = Math.min(into.remaining(), unread.length - unreadFrom - skip);
      into.put(unread, unreadFrom + skip, n);
      unreadFrom += skip + n;
      unreadAt = position + n;
      if (unreadFrom == unread.length) {
        unread = null;
      }
      return n;
    }
    unread = null;
    try {
      seek(position);
      if (at < position) {
        return -1;
      }
      int n = stream.read(into.array(), into.arrayOffset() + into.position(), into.remaining());
      if (n < 0) {
        size = at;
        release();
        return -1;
      }
      into.position(into.position() + n);
      at += n;
      return n;
    } catch (java.nio.channels.ClosedChannelException e) {
      throw e;
    } catch (IOException e) {
      corruption = e;
      size = at;
      return -1;
    }
  }

  @Override
  public void unread(byte[] bytes, int from, int length, long position) {
    if (position + length == at) { // the bytes just before the stream's position: they come first next time
      unread = java.util.Arrays.copyOfRange(bytes, from, from + length);
      unreadFrom = 0;
      unreadAt = position;
    }
  }

  /** Why the stream ended before its proper end, or null. */
  IOException corruption() {
    return corruption;
  }

  private void seek(long position) throws IOException {
    if (stream == null || position < at) {
      restart();
    }
    while (at < position) {
      int n = stream.read(skipBuffer, 0, (int) Math.min(skipBuffer.length, position - at));
      if (n < 0) {
        size = at;
        return;
      }
      at += n;
    }
  }

  /** Frees the inflater; a later read starts the stream over. */
  private void release() throws IOException {
    if (stream != null) {
      stream.close(); // closes nothing but the inflater: the channel is shared (see below)
      stream = null;
    }
    unread = null;
  }

  /** How often the stream was started from the beginning (once per read through; more means rereading). */
  int starts() {
    return starts;
  }

  private void restart() throws IOException {
    release();
    starts++;
    channel.position(0);
    stream = new GZIPInputStream(new Unclosable(Channels.newInputStream(channel)), INFLATE_BUFFER);
    at = 0;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public ByteBuffer head(int length) throws IOException {
    ByteBuffer head = ByteBuffer.allocate(length);
    while (head.hasRemaining() && read(head, head.position()) > 0) {
      // decompressed from the start until full or at the end
    }
    release(); // the inflater's memory is taken again when the file is read, not while it waits its turn
    return head.flip();
  }

  @Override
  public boolean growable() {
    return false;
  }

  /** Compressed bytes not yet consumed by the inflater (what a corrupt stream leaves unread). */
  long compressedBytesLeft() throws IOException {
    return Math.max(0, channel.size() - channel.position());
  }

  @Override
  public void close() throws IOException {
    try {
      release();
    } finally {
      channel.close();
    }
  }

  /** Keeps the stream's close from closing the channel, which stays open for a restart of the stream. */
  private static final class Unclosable extends java.io.FilterInputStream {
    Unclosable(InputStream in) {
      super(in);
    }

    @Override
    public void close() {
      // the channel is closed by GzipInput.close
    }
  }
}

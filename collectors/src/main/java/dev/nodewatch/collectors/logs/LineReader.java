package dev.nodewatch.collectors.logs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * Reads one log file from a position in large chunks and hands out its complete lines, each with the file position
 * just after it, which is what may be committed once the line is safely stored. A line without its newline yet (the
 * writer is mid-line) is not handed out; the returned position stays before it and the next read starts there.
 *
 * <p>A line longer than {@code maxLineBytes} is handed out once, truncated to its first {@code maxLineBytes}, when
 * its newline arrives; the bytes beyond are counted in {@link #truncatedBytes()} and never held, so a 50 MB line
 * costs at most {@code maxLineBytes} of memory. While such a line is still being written, the reader remembers how
 * far it has looked, so each read continues from there instead of reading the line again from its start. Not
 * thread-safe: one reader per file, used by one worker at a time. The read buffer holds nothing between calls, so
 * the readers of many files used by one thread may share one buffer.
 */
public final class LineReader {

  /** Receives each complete line: {@code bytes[from, to)} without the newline. */
  @FunctionalInterface
  public interface Sink {
    void line(byte[] bytes, int from, int to, boolean truncated, long nextOffset);
  }

  private final byte[] buffer;
  private final int maxLineBytes;
  private long truncatedBytes;
  private long lastReadBytes;
  /** The furthest position any read reached: bytes before it were seen already, complete line or not. */
  private long scannedTo;

  // A line longer than the buffer, still without its newline: where it starts, how far it has been read, and its
  // first maxLineBytes.
  private long longLineStart = -1;
  private long longLineScanned;
  private byte[] longLineHead;
  private int longLineHeadLength;

  public LineReader(int bufferSize, int maxLineBytes) {
    this(new byte[bufferSize], maxLineBytes);
  }

  /** A reader that reads through {@code sharedBuffer}, which other readers used by the same thread may share. */
  public LineReader(byte[] sharedBuffer, int maxLineBytes) {
    this.buffer = sharedBuffer;
    this.maxLineBytes = maxLineBytes;
  }

  /**
   * New bytes the last {@link #read} found in the file, complete lines or not: more than zero while a long line is
   * still arriving, even though the returned position does not move; zero when it only read again an unfinished
   * last line that has not grown (so a caller does not spin on it).
   */
  public long lastReadBytes() {
    return lastReadBytes;
  }

  /** Bytes left out of over-long lines since this reader was made. */
  public long truncatedBytes() {
    return truncatedBytes;
  }

  /**
   * Reads from {@code offset} until the end of the file or until about {@code budget} bytes were read (so one busy
   * file cannot keep the worker from the others), handing out every complete line.
   *
   * @return the position after the last line handed out ({@code offset} when none was)
   */
  public long read(FileChannel channel, long offset, long budget, Sink sink) throws IOException {
    return read(new PlainInput(channel), offset, budget, sink);
  }

  /** {@link #read(FileChannel, long, long, Sink)} from any input, plain or compressed. */
  long read(LogInput channel, long offset, long budget, Sink sink) throws IOException {
    if (longLineStart != offset || longLineStart >= 0 && longLineScanned > channel.size()) {
      // a new position (a restart), or the file shrank under the long line (copytruncate): start over from offset
      forgetLongLine();
    }
    long committed = offset;
    long bufferStart = longLineStart >= 0 ? longLineScanned : offset;
    int filled = 0;
    long readTotal = 0;
    while (readTotal < budget) {
      int n = channel.read(ByteBuffer.wrap(buffer, filled, buffer.length - filled), bufferStart + filled);
      if (n <= 0) {
        break;
      }
      int scanFrom = filled;
      filled += n;
      readTotal += n;
      int lineFrom = 0;
      for (int i = scanFrom; i < filled; i++) {
        if (buffer[i] != '\n') {
          continue;
        }
        long next = bufferStart + i + 1;
        if (longLineStart >= 0) {
          appendToLongLine(lineFrom, i);
          sink.line(longLineHead, 0, longLineHeadLength, true, next);
          forgetLongLine();
        } else if (i - lineFrom > maxLineBytes) {
          truncatedBytes += i - lineFrom - maxLineBytes;
          sink.line(buffer, lineFrom, lineFrom + maxLineBytes, true, next);
        } else {
          sink.line(buffer, lineFrom, i, false, next);
        }
        committed = next;
        lineFrom = i + 1;
      }
      if (lineFrom == 0 && filled == buffer.length || longLineStart >= 0) {
        // no newline in a full buffer: the line is longer than the buffer; keep its head, move on past the rest
        if (longLineStart < 0) {
          longLineStart = bufferStart;
          longLineHead = new byte[Math.min(maxLineBytes, Math.max(filled, 1024))];
          longLineHeadLength = 0;
        }
        appendToLongLine(lineFrom, filled);
        bufferStart += filled;
        filled = 0;
        longLineScanned = bufferStart;
      } else {
        System.arraycopy(buffer, lineFrom, buffer, 0, filled - lineFrom);
        bufferStart += lineFrom;
        filled -= lineFrom;
      }
    }
    if (filled > 0 && longLineStart < 0) {
      channel.unread(buffer, 0, filled, bufferStart); // the unfinished last line, where the next read starts
    }
    long reached = bufferStart + filled;
    if (reached < scannedTo && channel.size() < scannedTo) {
      scannedTo = offset; // the file shrank (copytruncate): what was seen before is gone
    }
    lastReadBytes = Math.max(0, reached - Math.max(scannedTo, offset));
    scannedTo = Math.max(scannedTo, reached);
    return committed;
  }

  private void appendToLongLine(int from, int to) {
    int room = maxLineBytes - longLineHeadLength;
    int take = Math.min(room, to - from);
    truncatedBytes += (to - from) - Math.max(take, 0);
    if (take <= 0) {
      return;
    }
    if (longLineHeadLength + take > longLineHead.length) {
      longLineHead = Arrays.copyOf(longLineHead, Math.min(maxLineBytes,
          Math.max(longLineHead.length * 2, longLineHeadLength + take)));
    }
    System.arraycopy(buffer, from, longLineHead, longLineHeadLength, take);
    longLineHeadLength += take;
  }

  private void forgetLongLine() {
    longLineStart = -1;
    longLineHead = null;
    longLineHeadLength = 0;
  }
}

package dev.nodewatch.collectors.logs;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * Joins the parts of lines a runtime split (CRI {@code P} lines, Docker's 16 KiB pieces) back into whole lines, per
 * stream, so stdout and stderr parts interleaved in one file do not mix. One joiner per container, not per file:
 * when kubelet rotates the file between a {@code P} and its {@code F}, the rest of the line arrives in the next
 * file and is still joined. A line longer than {@code maxLineBytes} keeps its first {@code maxLineBytes} and is
 * marked truncated; the bytes beyond are counted ({@link #truncatedBytes()}), not held.
 */
public final class PartialLineJoiner {

  private final int maxLineBytes;
  private final Map<LogStream, Pending> pending = new EnumMap<>(LogStream.class);
  private long truncatedBytes;

  /** A line whose parts are still arriving. */
  private static final class Pending {
    long timestampNanos;
    byte[] bytes = new byte[256];
    int length;
    boolean truncated;
  }

  public PartialLineJoiner(int maxLineBytes) {
    this.maxLineBytes = maxLineBytes;
  }

  /** The whole line this part completes, or null while more parts are to come. */
  public JoinedLine accept(LogLine line) {
    Pending p = pending.get(line.stream());
    if (p == null && !line.partial()) {
      byte[] message = line.message();
      boolean truncated = message.length > maxLineBytes;
      if (truncated) {
        truncatedBytes += message.length - maxLineBytes;
      }
      return new JoinedLine(line.timestampNanos(), line.stream(),
          Utf8.valid(message, Math.min(message.length, maxLineBytes)), truncated, line.malformed());
    }
    if (p == null) {
      p = new Pending();
      p.timestampNanos = line.timestampNanos();
      pending.put(line.stream(), p);
    }
    append(p, line.message());
    if (line.partial()) {
      return null;
    }
    pending.remove(line.stream());
    return new JoinedLine(p.timestampNanos, line.stream(), Utf8.valid(p.bytes, p.length), p.truncated,
        line.malformed());
  }

  /** Bytes left out of over-long lines since this joiner was made. */
  public long truncatedBytes() {
    return truncatedBytes;
  }

  /** Forgets the parts gathered so far (they are about to be read again). */
  public void clear() {
    pending.clear();
  }

  /** Whether a line is waiting for more parts on some stream. */
  public boolean hasPending() {
    return !pending.isEmpty();
  }

  private void append(Pending p, byte[] part) {
    int room = maxLineBytes - p.length;
    int take = Math.min(room, part.length);
    if (take < part.length) {
      p.truncated = true;
      truncatedBytes += part.length - take;
    }
    if (take <= 0) {
      return;
    }
    if (p.length + take > p.bytes.length) {
      p.bytes = Arrays.copyOf(p.bytes, Math.min(maxLineBytes, Math.max(p.bytes.length * 2, p.length + take)));
    }
    System.arraycopy(part, 0, p.bytes, p.length, take);
    p.length += take;
  }
}

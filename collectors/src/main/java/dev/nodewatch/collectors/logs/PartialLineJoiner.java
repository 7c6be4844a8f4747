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
      int length = line.messageLength();
      boolean truncated = length > maxLineBytes;
      if (truncated) {
        truncatedBytes += length - maxLineBytes;
      }
      return joined(line.timestampNanos(), line.stream(), line.bytes(), line.messageStart(),
          line.messageStart() + Math.min(length, maxLineBytes), truncated, line.malformed());
    }
    if (p == null) {
      p = new Pending();
      p.timestampNanos = line.timestampNanos();
      pending.put(line.stream(), p);
    }
    append(p, line.bytes(), line.messageStart(), line.messageLength());
    if (line.partial()) {
      return null;
    }
    pending.remove(line.stream());
    // the parts' own array: a Pending is made per line and dropped here, so nothing writes to it again
    return joined(p.timestampNanos, line.stream(), p.bytes, 0, p.length, p.truncated, line.malformed());
  }

  /** The line with {@code bytes[from, to)} as its message, in place when it is ASCII, as most lines are. */
  private static JoinedLine joined(long timestampNanos, LogStream stream, byte[] bytes, int from, int to,
      boolean truncated, boolean malformed) {
    if (Utf8.ascii(bytes, from, to)) {
      return new JoinedLine(timestampNanos, stream, bytes, from, to, truncated, malformed);
    }
    return new JoinedLine(timestampNanos, stream, Utf8.repaired(bytes, from, to), truncated, malformed);
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

  private void append(Pending p, byte[] bytes, int from, int length) {
    int room = maxLineBytes - p.length;
    int take = Math.min(room, length);
    if (take < length) {
      p.truncated = true;
      truncatedBytes += length - take;
    }
    if (take <= 0) {
      return;
    }
    if (p.length + take > p.bytes.length) {
      p.bytes = Arrays.copyOf(p.bytes, Math.min(maxLineBytes, Math.max(p.bytes.length * 2, p.length + take)));
    }
    System.arraycopy(bytes, from, p.bytes, p.length, take);
    p.length += take;
  }
}

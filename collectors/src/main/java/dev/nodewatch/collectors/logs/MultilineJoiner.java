package dev.nodewatch.collectors.logs;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;

/**
 * Groups whole lines of one file into multi-line records ({@link MultilineConfig}), per stream. A record's text is
 * its lines joined by newlines, its timestamp and offset those of its first line; beyond {@code maxBytes} (UTF-16
 * units, close to bytes for logs) further lines are left out and the record is marked truncated.
 */
final class MultilineJoiner {

  /** A record whose lines are complete, and where its first line starts in the file. */
  record Record(JoinedLine line, long offset) {}

  /** The first line's fields, not the line itself: its message may be a part of the read buffer. */
  private static final class Pending {
    final long timestampNanos;
    final LogStream stream;
    final boolean malformed;
    final long offset;
    final StringBuilder text;
    boolean truncated;
    long lastAddedNanos;

    Pending(JoinedLine first, long offset, long now) {
      this.timestampNanos = first.timestampNanos();
      this.stream = first.stream();
      this.malformed = first.malformed();
      this.offset = offset;
      this.text = new StringBuilder(first.message());
      this.truncated = first.truncated();
      this.lastAddedNanos = now;
    }

    Record complete() {
      return new Record(new JoinedLine(timestampNanos, stream, text.toString(), truncated, malformed), offset);
    }
  }

  private final Pattern start;
  private final int maxChars;
  private final long flushAfterNanos;
  private final Map<LogStream, Pending> pending = new EnumMap<>(LogStream.class);

  MultilineJoiner(MultilineConfig config, int maxBytes) {
    this.start = config.pattern();
    this.maxChars = maxBytes;
    this.flushAfterNanos = config.flushAfter().toNanos();
  }

  /** Takes the next line; hands {@code done} the record it completes, if any. */
  void accept(JoinedLine line, long offset, long now, BiConsumer<JoinedLine, Long> done) {
    Pending current = pending.get(line.stream());
    String message = line.message();
    if (current != null && !start.matcher(message).lookingAt()) {
      int room = maxChars - current.text.length() - 1;
      if (room >= message.length()) {
        current.text.append('\n').append(message);
      } else {
        if (room > 0) {
          current.text.append('\n').append(message, 0, room);
        }
        current.truncated = true;
      }
      current.truncated |= line.truncated();
      current.lastAddedNanos = now;
      return;
    }
    if (current != null) {
      Record record = current.complete();
      done.accept(record.line(), record.offset());
    }
    pending.put(line.stream(), new Pending(line, offset, now));
  }

  /** Hands over the records nothing was added to for {@code flush_after} (or all, when {@code all}). */
  void flush(long now, boolean all, BiConsumer<JoinedLine, Long> done) {
    pending.values().removeIf(p -> {
      if (!all && now - p.lastAddedNanos < flushAfterNanos) {
        return false;
      }
      Record record = p.complete();
      done.accept(record.line(), record.offset());
      return true;
    });
  }

  /** Forgets the records gathering lines (they are about to be read again). */
  void clear() {
    pending.clear();
  }

  boolean hasPending() {
    return !pending.isEmpty();
  }

  /** Where the oldest record still gathering lines starts: a restart must read from there. */
  long pendingStart() {
    long min = Long.MAX_VALUE;
    for (Pending p : pending.values()) {
      min = Math.min(min, p.offset);
    }
    return min;
  }
}

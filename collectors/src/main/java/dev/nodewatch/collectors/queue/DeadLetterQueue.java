package dev.nodewatch.collectors.queue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;

/**
 * The records a sink refused for good, each with why: one JSON text per entry in a Chronicle queue of daily files
 * of its own, so they survive restarts and can be read back ({@code nodewatch dead-letters}) and sent again by hand.
 * Files older than {@code keepDays} are deleted as new days begin. Appended from one sink's threads (synchronized:
 * an appender belongs to one thread at a time).
 */
public final class DeadLetterQueue implements AutoCloseable {

  private static final RollCycles ROLL_CYCLE = RollCycles.FAST_DAILY;

  private final SingleChronicleQueue queue;
  private final CycleFiles files;
  private final int keepDays;
  private final LongAdder added = new LongAdder();
  private ExcerptAppender appender;
  private int lastCycle = -1;

  private DeadLetterQueue(SingleChronicleQueue queue, Path dir, int keepDays) {
    this.queue = queue;
    this.files = new CycleFiles(dir, ROLL_CYCLE);
    this.keepDays = keepDays;
  }

  public static DeadLetterQueue open(Path dir, int keepDays) throws IOException {
    Files.createDirectories(dir);
    UnfinishedCycleFiles.delete(dir);
    return new DeadLetterQueue(SingleChronicleQueueBuilder.binary(dir).rollCycle(ROLL_CYCLE).build(), dir, keepDays);
  }

  /** Appends one entry (a JSON object on one line). */
  public synchronized void add(String entry) throws IOException {
    if (appender == null) {
      appender = queue.createAppender();
    }
    appender.writeText(entry);
    added.increment();
    int cycle = queue.cycle();
    if (cycle != lastCycle) {
      lastCycle = cycle;
      files.deleteBefore(cycle - keepDays + 1);
    }
  }

  /** Entries added since this process opened the queue. */
  public long added() {
    return added.sum();
  }

  /** Hands every entry still kept to {@code each}, oldest first. */
  public void forEach(Consumer<String> each) {
    try (ExcerptTailer tailer = queue.createTailer()) {
      for (String entry; (entry = tailer.readText()) != null; ) {
        each.accept(entry);
      }
    }
  }

  public Path directory() {
    return queue.file().toPath();
  }

  @Override
  public synchronized void close() {
    if (appender != null) {
      appender.close();
    }
    queue.close();
  }
}

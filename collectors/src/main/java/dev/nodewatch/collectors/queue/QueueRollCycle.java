package dev.nodewatch.collectors.queue;

import net.openhft.chronicle.queue.RollCycle;

/**
 * The queue's file length: five seconds. Retention deletes acknowledged records a whole file at a time, so on a full
 * disk the space sinks have acknowledged comes back within about one file length; Chronicle's shortest production
 * cycle is a minute. A file is only made when something is appended, so a quiet node makes none, and the cost of a
 * roll (a new sparse file and its index) every five seconds does not show in the append rate (BENCHMARKS.md).
 *
 * <p>Public because it is the queue's on-disk format: anything else opening the queue (a tool, a test) must name it,
 * or Chronicle refuses. The name pattern ends in a letter no Chronicle cycle uses: Chronicle recognises a queue's
 * cycle by the pattern of its file names, and must not take these files for one of its own.
 */
public enum QueueRollCycle implements RollCycle {
  FIVE_SECONDLY;

  /** Index bits for the sequence within a cycle, as Chronicle's minute cycle has; the cycle takes the rest. */
  private static final int SEQUENCE_BITS = 32;

  @Override
  public String format() {
    return "yyyyMMdd-HHmmss'F'";
  }

  @Override
  public int lengthInMillis() {
    return 5_000;
  }

  @Override
  public int defaultIndexCount() {
    return 2048;
  }

  @Override
  public int defaultIndexSpacing() {
    return 16;
  }

  @Override
  public long toIndex(int cycle, long sequenceNumber) {
    return ((long) cycle << SEQUENCE_BITS) + sequenceNumber;
  }

  @Override
  public long toSequenceNumber(long index) {
    return index & ((1L << SEQUENCE_BITS) - 1);
  }

  @Override
  public int toCycle(long index) {
    return (int) (index >>> SEQUENCE_BITS);
  }

  @Override
  public long maxMessagesPerCycle() {
    // what Chronicle's index can address in one cycle (index count squared times spacing), below the sequence bits
    return Math.min((1L << SEQUENCE_BITS) - 1, (long) defaultIndexCount() * defaultIndexCount() * defaultIndexSpacing());
  }
}

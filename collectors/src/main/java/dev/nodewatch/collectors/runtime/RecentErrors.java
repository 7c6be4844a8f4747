package dev.nodewatch.collectors.runtime;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The last few errors of the whole agent, newest first, for {@code /debug/status}: what an operator looks at first
 * when a node's agent misbehaves. Bounded, so a flood of errors costs nothing but the oldest entries.
 */
public final class RecentErrors {

  /** One error: when, in which component, what happened. */
  public record Entry(Instant time, String component, String message) {}

  private final int capacity;
  private final Clock clock;
  private final Deque<Entry> entries = new ArrayDeque<>();

  public RecentErrors(int capacity, Clock clock) {
    this.capacity = capacity;
    this.clock = clock;
  }

  public synchronized void add(String component, String message) {
    entries.addFirst(new Entry(clock.instant(), component, message));
    while (entries.size() > capacity) {
      entries.removeLast();
    }
  }

  public synchronized List<Entry> newestFirst() {
    return List.copyOf(entries);
  }
}

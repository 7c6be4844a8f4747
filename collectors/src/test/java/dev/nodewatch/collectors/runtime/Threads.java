package dev.nodewatch.collectors.runtime;

import java.util.Set;
import java.util.stream.Collectors;

/** The threads of this JVM, for lifecycle tests (other tests' threads may be alive in it too). */
public final class Threads {

  private Threads() {}

  /** The live threads whose names start with {@code prefix}. */
  public static Set<Thread> named(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
        .collect(Collectors.toSet());
  }

  /**
   * The live threads named so that were not in {@code before}, given a moment to end: a loop's stop completes just
   * before its thread returns.
   */
  public static Set<Thread> newSince(Set<Thread> before, String prefix) throws InterruptedException {
    Set<Thread> now = named(prefix);
    now.removeAll(before);
    for (Thread thread : now) {
      thread.join(2_000);
    }
    now.removeIf(t -> !t.isAlive());
    return now;
  }
}

package dev.nodewatch.collectors.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts input that collectors could not parse (a garbage line, a non-numeric field), per collector, so a kernel
 * that prints something unexpected shows up as {@code nodewatch_host_lines_skipped_total{collector}} instead of a
 * failed scrape.
 */
public final class SkippedLines {

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  public void add(String collector) {
    counts.computeIfAbsent(collector, k -> new LongAdder()).increment();
  }

  public long count(String collector) {
    LongAdder adder = counts.get(collector);
    return adder == null ? 0 : adder.sum();
  }

  public Map<String, Long> snapshot() {
    Map<String, Long> out = new java.util.TreeMap<>();
    counts.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }
}

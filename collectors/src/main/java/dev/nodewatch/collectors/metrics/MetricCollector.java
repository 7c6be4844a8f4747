package dev.nodewatch.collectors.metrics;

import java.util.List;

/**
 * Reads one part of the node and returns what it found as metric families. Called on a worker thread, once per
 * scrape, under a timeout owned by {@link CollectionRunner}; it may block on file reads but keeps no thread of its
 * own. A missing file (a kernel without the feature) yields fewer families, not an error; an unreadable or
 * malformed line is skipped and counted in {@link SkippedLines}.
 */
public interface MetricCollector {

  /** node_exporter's collector name ({@code cpu}, {@code meminfo}, …): the {@code collector} label. */
  String name();

  List<MetricFamily> collect() throws Exception;
}

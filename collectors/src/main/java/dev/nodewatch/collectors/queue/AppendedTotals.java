package dev.nodewatch.collectors.queue;

/**
 * What this process has appended to the queue since it opened it: documents' bytes (as a reader sees them) and
 * records, as of the document at {@code lastIndex}. One immutable value per append, so a reader on another thread
 * always sees an index and the totals that go with it.
 *
 * @param lastIndex the newest document counted; at open, the queue's last index then (-1 when it was empty)
 */
record AppendedTotals(long lastIndex, long bytes, long records) {

  AppendedTotals plus(long index, long documentBytes, int documentRecords) {
    return new AppendedTotals(index, bytes + documentBytes, records + documentRecords);
  }
}

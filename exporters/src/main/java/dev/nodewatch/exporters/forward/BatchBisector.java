package dev.nodewatch.exporters.forward;

import java.util.List;

/**
 * Finds what a sink refuses in a batch it refused. A batch refused for good is halved, and each half sent again,
 * until the refused records are alone (about 2·log2(n) requests for one bad record in n), so the good records
 * around them still arrive. Before that, a large batch refused with an error a mismatched target gives is probed
 * ({@link #probe}): a sink that refuses <em>every</em> record must not dead-letter them one by one. A batch the
 * server keeps refusing for its size (short of memory) is halved too, a few times at most.
 */
final class BatchBisector {

  /** The smallest refused batch that is probed for a sink refusing everything. */
  static final int PROBED_BATCH = 16;
  /** {@link #probe}: every probe was refused with the batch's error. */
  static final int ALL_REFUSED = -1;
  /** {@link #probe}: not probed, or the probes were inconclusive; split the batch. */
  static final int NOT_PROBED = -2;
  /** Refusals for its size after which a batch is sent in halves. */
  static final int SPLIT_AFTER = 3;
  /** Halvings of a batch refused for its size: down to a sixteenth of it, then retried as it is. */
  static final int MAX_SPLITS = 4;

  private final SinkMetrics metrics;

  BatchBisector(SinkMetrics metrics) {
    this.metrics = metrics;
  }

  /**
   * When a batch of {@value #PROBED_BATCH} or more is refused for good with an error a mismatched target gives
   * ({@link SinkException#mismatch}: a value that does not parse into its column, not a rule of the table such as a
   * constraint), sends its first, middle and last records alone. When each is refused with exactly that error the
   * sink is taken to be misconfigured (a column of another type): splitting would put every record in the
   * dead-letter queue, one request each, so the caller retries the batch and reports the sink unhealthy instead.
   * (Three records in exactly those places that fail to parse while the rest do not is the price: that batch waits
   * too. The sink's own rows always parse into its own table, so it takes a table changed by hand.)
   *
   * @return the position of the first probe the sink accepted (sent and counted), {@link #ALL_REFUSED}, or
   *     {@link #NOT_PROBED} when the batch is small or a probe met another kind of failure
   */
  int probe(Sink sink, SinkBatch batch, SinkException refusal) {
    if (batch.size() < PROBED_BATCH || refusal.mismatch() == null) {
      return NOT_PROBED; // only an error a mismatched target gives can mean one
    }
    for (int position : new int[] {0, batch.size() / 2, batch.size() - 1}) {
      long started = System.nanoTime();
      try {
        List<Sink.Rejection> rejected = sink.send(batch.part(position, position + 1));
        metrics.request(System.nanoTime() - started);
        if (rejected.isEmpty()) {
          metrics.sent(1);
          return position;
        }
      } catch (SinkException e) {
        metrics.request(System.nanoTime() - started);
        if (!refusal.mismatch().equals(e.mismatch())) {
          return NOT_PROBED; // another error, or none of that kind: the records differ, the batch is split
        }
      } catch (RuntimeException e) {
        return NOT_PROBED; // the batch is split as usual, and meets the fault there
      }
    }
    return ALL_REFUSED;
  }

  /**
   * The parts a refused batch is sent again in: around the probe the sink accepted, or two halves.
   *
   * @param accepted the accepted probe's position, or {@link #NOT_PROBED}
   */
  static SinkBatch[] parts(SinkBatch batch, int accepted) {
    if (accepted >= 0) {
      return new SinkBatch[] {batch.part(0, accepted), batch.part(accepted + 1, batch.size())};
    }
    int half = batch.size() / 2;
    return new SinkBatch[] {batch.part(0, half), batch.part(half, batch.size())};
  }

  /**
   * Whether a batch refused for its size ({@link SinkException#smallerMayPass}, retried until now) goes out in
   * halves: after {@value #SPLIT_AFTER} such refusals in a row, at most {@value #MAX_SPLITS} times deep (a server
   * short of memory for every insert would otherwise get single rows).
   *
   * @param refusalsForSize such refusals of this batch so far, this one included
   * @param splits how many times the polled batch was halved to make this one
   */
  static boolean splitForSize(SinkException e, int refusalsForSize, int size, int splits) {
    return e.smallerMayPass() && refusalsForSize >= SPLIT_AFTER && size > 1 && splits < MAX_SPLITS;
  }
}

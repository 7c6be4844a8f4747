package dev.nodewatch.exporters.forward;

import dev.nodewatch.collectors.queue.DeadLetterQueue;
import dev.nodewatch.collectors.queue.LogRecord;
import dev.nodewatch.collectors.queue.QueueReader;
import dev.nodewatch.collectors.queue.QueueRereader;
import dev.nodewatch.collectors.queue.QueuedRecords;
import dev.nodewatch.collectors.runtime.Component;
import dev.nodewatch.collectors.runtime.LoopThread;
import dev.nodewatch.collectors.runtime.RateLimitedLog;
import io.vertx.core.Future;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves records from the queue to one sink: poll a batch through the sink's reader, keep the records its
 * {@code match:} takes, send them, and acknowledge the batch's queue index only once the sink has dealt with all of
 * them. {@code concurrency} senders, each on a thread of its own with a sink of its own, poll in turn and send in
 * parallel; indexes are acknowledged in the order the batches were polled, so a restart never skips a batch still
 * in flight.
 *
 * <p>A failure the sink calls retryable is retried after an exponential backoff with full jitter, or after the time
 * a throttling server asked for, for as long as it takes: the queue holds the backlog meanwhile, and when it fills
 * the tailer pauses. Records the sink refuses for good go to the dead-letter queue with the reason; a batch refused
 * as a whole is split in halves until the refused records are found, so the good ones around them are delivered.
 * Delivery is at least once: a crash between sending and acknowledging sends those batches again.
 *
 * <p>A batch's records are not held while it is in flight: each sender polls {@link QueuedRecords}, read from the
 * queue through the sender's own {@link QueueRereader} as the sink encodes them, and read again for a retry. A
 * batch retried for longer than {@code queue.max_age} finds its records deleted: they are counted as
 * {@code expired}, as the queue counts the files it expired.
 *
 * <p>Its parts, each with its own test: {@link Backoff} (full jitter, Retry-After), {@link InOrderAcks} (the
 * acknowledgement order), {@link DeadLetterWriter} (entries for what was refused), {@link SinkHealth} (checks and
 * the first check's wait). What stays here is the loop and the search for refused records (probe, halving).
 */
public final class SinkPipeline implements Component {

  /** Opens one sink for one sender. */
  @FunctionalInterface
  public interface SinkFactory {
    Sink open() throws Exception;
  }

  private static final Logger log = LoggerFactory.getLogger(SinkPipeline.class);
  /** How often an idle sender looks for new records: short, so delivery latency stays well under a second. */
  private static final long IDLE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  /** How long a stop waits for a sender's request in hand before closing its sink under it. */
  private static final long STOP_GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final String name;
  private final SinkConfig config;
  private final SinkFactory factory;
  private final QueueReader reader;
  private final DeadLetterQueue deadLetters;
  private final SinkMetrics metrics;
  private final RateLimitedLog errors = new RateLimitedLog(log, Duration.ofMinutes(1));
  /** The running senders; empty before start and after stop. */
  private final List<Sender> senders = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** Guards the reader, the filter and the batches in flight. */
  private final Object polling = new Object();
  private final SinkFilter.Matcher filter;
  private final InOrderAcks acks;
  private final SinkHealth health;
  private final BatchBisector bisector;
  private final DeadLetterWriter deadLetterWriter;
  private volatile String lastError = "";

  /** One thread and its own sink. */
  private final class Sender {
    final LoopThread loop;
    final Sink sink;
    /** Closed once, by its loop as it ends or by a stop that could not wait for it. */
    final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    void close() {
      if (closed.compareAndSet(false, true)) {
        closeQuietly(sink);
      }
    }

    Sender(int number, Sink sink) {
      this.loop = new LoopThread("nodewatch-sink-" + name + (config.concurrency() > 1 ? "-" + number : ""));
      this.sink = sink;
    }
  }

  /** Opens nothing yet: {@link #start} opens {@code concurrency} sinks, {@link #stop} closes them. */
  public SinkPipeline(SinkConfig config, QueueReader reader, SinkFactory sinks, DeadLetterQueue deadLetters,
      SinkMetrics metrics) {
    this.name = config.name();
    this.config = config;
    this.reader = reader;
    this.factory = sinks;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
    this.filter = config.match().matcher();
    this.acks = new InOrderAcks(reader);
    this.bisector = new BatchBisector(metrics);
    this.health = new SinkHealth(name, () -> senders.isEmpty() ? null : senders.get(0).sink);
    this.deadLetterWriter = new DeadLetterWriter(name, deadLetters, config.retry(), errors);
    metrics.watch(reader, deadLetters, health::healthy);
  }

  @Override
  public String name() {
    return "sink-" + name;
  }

  /** Opens {@code concurrency} sinks (closing those opened when one fails) and starts a sender for each. */
  @Override
  public synchronized Future<Void> start() {
    if (!senders.isEmpty()) {
      return Future.succeededFuture(); // started already
    }
    try {
      for (int i = 0; i < config.concurrency(); i++) {
        senders.add(new Sender(i, factory.open()));
      }
    } catch (Exception e) {
      senders.forEach(sender -> closeQuietly(sender.sink));
      senders.clear();
      return Future.failedFuture(e);
    }
    health.started();
    for (Sender sender : senders) {
      sender.loop.start(() -> run(sender));
    }
    return Future.succeededFuture();
  }

  /**
   * Asks the senders to finish the request in hand and stop; a sender still waiting for its server after
   * {@code STOP_GRACE} has its sink closed under it, which ends the request (the batch stays unacknowledged and
   * is sent again after a restart). Each sender closes its sink as it ends; idempotent, and nothing to do unstarted.
   */
  @Override
  public synchronized Future<Void> stop() {
    List<Sender> stopping = List.copyOf(senders);
    senders.clear();
    if (stopping.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Future<Void>> stopped = stopping.stream().map(s -> s.loop.stop()).toList();
    Thread watchdog = new Thread(() -> {
      try {
        Future.join(stopped).toCompletionStage().toCompletableFuture().get(STOP_GRACE_NANOS, TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        log.warn("sink {} is still waiting for its server after {} s; closing it to stop", name,
            TimeUnit.NANOSECONDS.toSeconds(STOP_GRACE_NANOS));
        stopping.forEach(Sender::close);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (java.util.concurrent.ExecutionException e) {
        log.debug("sink {} stopped with an error", name, e); // logged by the loop itself
      }
    }, "nodewatch-sink-" + name + "-stop");
    watchdog.setDaemon(true);
    watchdog.start();
    return Future.join(stopped).mapEmpty();
  }

  private void run(Sender sender) {
    // the records of this sender's batches are read through it, on this thread, when the sink reads them
    QueueRereader rereader = reader.rereader();
    try {
      if (!health.awaitFirstCheck(sender.loop)) {
        return;
      }
      while (sender.loop.running()) {
        InOrderAcks.Ticket batch = null;
        List<QueueReader.Undecodable> undecodable = List.of();
        SinkBatch toSend;
        synchronized (polling) {
          QueueReader.Polled polled;
          try {
            polled = reader.poll(config.batch().maxEvents(), config.batch().maxBytes().bytes(), rereader);
          } catch (RuntimeException e) {
            // a queue file expired under the reader, or a document it cannot decode: counted, logged, tried again
            metrics.failed("queue_read", 0);
            lastError = e.toString();
            errors.error("poll", "sink " + name + " cannot read the queue: " + e, null);
            polled = null;
          }
          if (polled != null && !polled.skipped().isEmpty()) {
            undecodable = polled.skipped();
          }
          if (polled != null && !polled.isEmpty()) {
            batch = acks.polled(polled.lastIndex());
          }
          toSend = polled == null || polled.isEmpty() ? null : taken(polled);
        }
        if (!undecodable.isEmpty() && !keepUndecodable(sender, undecodable)) {
          return; // stopping: not acknowledged, so read (and kept) again after the restart
        }
        if (batch == null) {
          sender.loop.pause(Math.min(IDLE_POLL_NANOS, config.batch().maxWait().toNanos()));
          continue;
        }
        // within the sink's limits, though a queue document may hold more; acknowledged once its last part is in
        for (SinkBatch part : toSend.parts(config.batch().maxEvents(), config.batch().maxBytes().bytes())) {
          if (part.size() > 0 && !deliverWhatever(sender, part)) {
            return; // stopping with this batch unacknowledged: it is sent again after the restart
          }
        }
        acks.done(batch);
      }
    } finally {
      rereader.close();
      sender.close();
    }
  }

  /**
   * Queue documents the reader could not decode go to the dead-letter queue as they are (base64), with the error:
   * nothing is dropped, and the records polled with them are sent as usual.
   */
  private boolean keepUndecodable(Sender sender, List<QueueReader.Undecodable> documents) {
    for (QueueReader.Undecodable document : documents) {
      metrics.failed("undecodable", 1);
      lastError = "queue document " + Long.toHexString(document.index()) + ": " + document.error();
      errors.error("undecodable", "sink " + name + " cannot decode " + lastError + " (a damaged queue file?); kept "
          + "in the dead-letter queue " + deadLetters.directory(), null);
      if (!deadLetterWriter.undecodable(sender.loop, document)) {
        return false;
      }
    }
    return true;
  }

  /** The polled records this sink's filter takes, as one batch. */
  private SinkBatch taken(QueueReader.Polled polled) {
    List<LogRecord> records = polled.records();
    if (filter.takesAll()) {
      return new SinkBatch(reader.queueId(), records, polled.firstIndex(), polled.lastIndex(), 0);
    }
    List<LogRecord> taken = new ArrayList<>(records.size());
    for (LogRecord record : records) {
      if (filter.takes(record.source())) {
        taken.add(record);
      }
    }
    if (taken.size() < records.size()) {
      metrics.filtered(records.size() - taken.size());
    }
    return new SinkBatch(reader.queueId(), taken, polled.firstIndex(), polled.lastIndex(), 0);
  }

  /**
   * {@link #deliver}, kept going through faults of the sink's own code (a bug, a linkage error): a sender that died
   * would leave its batch unacknowledged, and with it every later batch, for good. The batch is sent again after a
   * backoff, as after an outage.
   */
  private boolean deliverWhatever(Sender sender, SinkBatch batch) {
    Backoff backoff = new Backoff(config.retry());
    while (true) {
      try {
        return deliver(sender, batch, 0);
      } catch (QueueRereader.QueueDocumentGone e) {
        // retried for longer than the queue keeps records: counted as the queue's other expired records are
        metrics.failed("expired", batch.size());
        lastError = e.getMessage();
        errors.error("expired", "sink " + name + " gave up on a batch of " + batch.size() + " records: "
            + e.getMessage(), null);
        return true;
      } catch (RuntimeException | Error e) {
        metrics.failed("error", batch.size());
        lastError = e.toString();
        health.failed(e.toString());
        errors.error("sender-fault", "sink " + name + " failed on a batch of " + batch.size()
            + " records; sending it again", e);
      }
      if (!sender.loop.pause(backoff.next())) {
        return false;
      }
      metrics.retried();
    }
  }

  /**
   * Sends until the sink accepted the batch or refused its records for good; false when stopping first.
   *
   * @param splits how many times the polled batch was halved to make this one (0: the whole batch)
   */
  private boolean deliver(Sender sender, SinkBatch batch, int splits) {
    Backoff backoff = new Backoff(config.retry());
    int shortOfResources = 0;
    while (true) {
      long wait;
      long started = System.nanoTime();
      try {
        List<Sink.Rejection> rejected = sender.sink.send(batch);
        metrics.request(System.nanoTime() - started);
        metrics.sent(batch.size() - rejected.size());
        health.answered();
        for (Sink.Rejection rejection : rejected) {
          if (rejection.position() < 0 || rejection.position() >= batch.size()) {
            throw new IllegalStateException("the sink refused record " + rejection.position() + " of a batch of "
                + batch.size());
          }
        }
        for (Sink.Rejection rejection : rejected) {
          metrics.failed("rejected", 1);
          if (!deadLetter(sender, batch.records().get(rejection.position()), "rejected", rejection.reason())) {
            return false;
          }
        }
        return true;
      } catch (SinkException e) {
        metrics.request(System.nanoTime() - started);
        metrics.failed(e.reason(), batch.size());
        lastError = e.getMessage();
        if (e.kind() == SinkException.Kind.PERMANENT) {
          int probe = splits == 0 ? bisector.probe(sender.sink, batch, e) : BatchBisector.NOT_PROBED;
          if (probe != BatchBisector.ALL_REFUSED) {
            health.answered(); // it answered: the records are at fault, not the sink
            return probe >= 0
                ? deliverParts(sender, 1, BatchBisector.parts(batch, probe))
                : refused(sender, batch, splits, e);
          }
          health.failed("refuses every record: " + e.getMessage());
          errors.error("refuses-all", "sink " + name + " refuses every record it is sent (" + e.reason()
              + "), so it is taken to be misconfigured and the records wait in the queue: " + e.getMessage(), null);
        }
        if (e.smallerMayPass() && BatchBisector.splitForSize(e, ++shortOfResources, batch.size(), splits)) {
          log.warn("sink {} keeps refusing a batch of {} records for its size; sending it in halves: {}", name,
              batch.size(), e.getMessage());
          return deliverParts(sender, splits + 1, BatchBisector.parts(batch, BatchBisector.NOT_PROBED));
        }
        if (e.kind() != SinkException.Kind.PERMANENT) {
          health.failed(e.getMessage());
          errors.error("send-" + e.reason(), "sink " + name + " did not accept a batch of " + batch.size()
              + " records (" + e.reason() + "); retrying: " + e.getMessage(), null);
        }
        wait = backoff.next(e.kind() == SinkException.Kind.THROTTLED ? e.retryAfter() : null);
      } catch (QueueRereader.QueueDocumentGone e) {
        throw e; // no retry can bring it back
      } catch (RuntimeException e) {
        // a fault in the sink itself: retried like an outage, so no record is lost to it
        metrics.request(System.nanoTime() - started);
        metrics.failed("error", batch.size());
        lastError = e.toString();
        health.failed(e.toString());
        errors.error("send-error", "sink " + name + " failed on a batch of " + batch.size() + " records; retrying",
            e);
        wait = backoff.next();
      }
      if (!sender.loop.running()) {
        return false;
      }
      metrics.retried();
      if (!sender.loop.pause(wait)) {
        return false;
      }
    }
  }

  /** Sends parts of a batch one after the other (empty ones skipped); false when stopping first. */
  private boolean deliverParts(Sender sender, int splits, SinkBatch... parts) {
    for (SinkBatch part : parts) {
      if (part.size() > 0 && !deliver(sender, part, splits)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A batch refused for good: one record goes to the dead-letter queue; more are split in halves and each sent
   * again, so only the records at fault end there (about 2·log2(n) requests for one bad record in n).
   */
  private boolean refused(Sender sender, SinkBatch batch, int splits, SinkException e) {
    if (batch.size() == 1) {
      errors.error("refused", "sink " + name + " refused a record for good (kept in the dead-letter queue "
          + deadLetters.directory() + "): " + e.getMessage(), null);
      return deadLetter(sender, batch.records().get(0), e.reason(), e.getMessage());
    }
    return deliverParts(sender, splits + 1, BatchBisector.parts(batch, BatchBisector.NOT_PROBED));
  }

  /** Keeps a refused record; false when stopping before it could be written (the disk may be full). */
  private boolean deadLetter(Sender sender, LogRecord record, String reason, String error) {
    if (!deadLetterWriter.record(sender.loop, record, reason, error)) {
      return false;
    }
    metrics.deadLettered(1);
    return true;
  }

  /** The last word on the sink's health (a check starts in the background when it is older than 10 s). */
  public SinkHealth.Health health() {
    return health.get();
  }

  private void closeQuietly(Sink sink) {
    try {
      sink.close();
    } catch (Exception e) {
      log.warn("closing sink {}: {}", name, e.toString());
    }
  }

  public String sinkName() {
    return name;
  }

  public SinkMetrics metrics() {
    return metrics;
  }

  public QueueReader reader() {
    return reader;
  }

  public DeadLetterQueue deadLetters() {
    return deadLetters;
  }

  public String lastError() {
    return lastError;
  }
}

package dev.nodewatch.collectors.queue;

import dev.nodewatch.collectors.runtime.Component;
import dev.nodewatch.collectors.runtime.LoopThread;
import dev.nodewatch.collectors.runtime.RateLimitedLog;
import io.vertx.core.Future;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue's bookkeeping on a thread of its own, not the tailer's: every {@value #EVERY_MILLIS} ms it deletes
 * the files every reader has passed, measures each reader's lag and the backlog, and the free space under the
 * queue ({@link LogQueue#maintain}). The producer only reads the results ({@link LogQueue#full()},
 * {@link LogQueue#diskFull()}), so a slow directory listing or a lag walk over a large backlog never holds up
 * reading, and retention goes on while the tailer is paused.
 */
public final class QueueMaintenance implements Component {

  private static final Logger log = LoggerFactory.getLogger(QueueMaintenance.class);
  /**
   * Once a second: a full disk is noticed between two rounds anyway (appends count against the free space last
   * measured), and a quiet node should cost next to nothing.
   */
  static final long EVERY_MILLIS = 1_000;

  private final LogQueue queue;
  private final LoopThread loop = new LoopThread("nodewatch-queue-maintenance");
  private final RateLimitedLog errors = new RateLimitedLog(log, Duration.ofMinutes(1));

  public QueueMaintenance(LogQueue queue) {
    this.queue = queue;
  }

  @Override
  public String name() {
    return "queue-maintenance";
  }

  @Override
  public Future<Void> start() {
    loop.start(() -> {
      do {
        maintainOnce();
      } while (loop.pause(TimeUnit.MILLISECONDS.toNanos(EVERY_MILLIS)));
    });
    return Future.succeededFuture();
  }

  void maintainOnce() {
    try {
      queue.maintain();
      if (queue.diskFull()) {
        errors.error("disk-full", "the disk under the queue (" + queue.directory() + ") is nearly full: reading "
            + "paused until sinks catch up and retention frees space", null);
      }
    } catch (IOException e) {
      errors.error("queue-maintain", "cannot measure or clean the queue directory: " + e, null);
    } catch (RuntimeException e) {
      // a fault in one round (a queue file removed under it by hand, say) must not end retention for good
      errors.error("queue-maintain", "queue maintenance failed; going on", e);
    }
  }

  @Override
  public Future<Void> stop() {
    return loop.stop();
  }
}

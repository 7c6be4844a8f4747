package dev.nodewatch.collectors.runtime;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A daemon thread of its own for a component whose work is a loop of blocking steps (the tailer's reads, a sink's
 * sends), so none of it runs on the event loop or holds a shared worker. Stopping asks the loop to end after its
 * current step and completes when it has; the loop's {@code finally} work (flushing, closing) is part of that.
 */
public final class LoopThread {

  private static final Logger log = LoggerFactory.getLogger(LoopThread.class);

  private final String name;
  private Promise<Void> stopped = Promise.promise();
  private volatile boolean running;
  private Thread thread;

  public LoopThread(String name) {
    this.name = name;
  }

  /**
   * Runs {@code loop} on a new thread; {@code loop} should return once {@link #running()} turns false. After a
   * stop has completed, a loop may be started again.
   */
  public synchronized void start(Runnable loop) {
    if (running) {
      throw new IllegalStateException(name + " is running already");
    }
    Promise<Void> stopped = Promise.promise();
    this.stopped = stopped;
    running = true;
    thread = new Thread(() -> {
      try {
        loop.run();
        stopped.tryComplete();
      } catch (RuntimeException | Error e) {
        log.error("{} stopped on an unexpected error", name, e);
        stopped.tryFail(e);
      }
    }, name);
    thread.setDaemon(true);
    thread.start();
  }

  public boolean running() {
    return running;
  }

  /** Sleeps up to {@code nanos}, waking early when stopped; returns whether the loop should go on. */
  public boolean pause(long nanos) {
    LockSupport.parkNanos(nanos);
    return running;
  }

  /** Idempotent; completes at once when never started. */
  public synchronized Future<Void> stop() {
    if (thread == null) {
      return Future.succeededFuture();
    }
    running = false;
    LockSupport.unpark(thread);
    return stopped.future();
  }
}

package dev.nodewatch.collectors.queue;

import dev.nodewatch.collectors.runtime.Component;
import io.vertx.core.Future;

/**
 * The queue's place in the agent's lifecycle: opened before the tailer and the sinks are built, closed after both
 * have stopped (it starts before them and so stops after them), so nothing appends to or reads a closed queue.
 */
public final class QueueComponent implements Component {

  private final LogQueue queue;

  public QueueComponent(LogQueue queue) {
    this.queue = queue;
  }

  @Override
  public String name() {
    return "log-queue";
  }

  @Override
  public Future<Void> start() {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    queue.close();
    return Future.succeededFuture();
  }
}

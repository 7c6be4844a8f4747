package dev.nodewatch.collectors.runtime;

import io.vertx.core.Future;

/**
 * The lifecycle every part of the agent follows: built from its config record, started once, stopped once.
 *
 * <p>{@link #start()} returns quickly and moves long work to the background; the agent waits for its future before
 * starting the next component, so a component may rely on the ones before it. {@link #stop()} is idempotent, safe
 * to call without {@code start()}, and completes only when what the component holds is flushed: the agent stops
 * components in reverse order within {@code shutdown_timeout}.
 */
public interface Component {

  /** A short, stable name used in logs, metrics labels and {@code /debug/status}. */
  String name();

  Future<Void> start();

  Future<Void> stop();
}

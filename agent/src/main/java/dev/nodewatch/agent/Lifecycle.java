package dev.nodewatch.agent;

import dev.nodewatch.collectors.runtime.Component;
import dev.nodewatch.collectors.runtime.RecentErrors;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts components one after another in dependency order and stops them in reverse, recording each one's state
 * for {@code /readyz} and {@code /debug/status}.
 */
public final class Lifecycle {

  private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

  /** Where a component is in its life. */
  public enum State { NEW, STARTING, RUNNING, FAILED, STOPPING, STOPPED }

  /** A component's state, since when, and the error that put it there if any. */
  public record Status(String name, State state, Instant since, String error) {}

  private final List<Component> components;
  private final RecentErrors errors;
  private final Clock clock;
  private final Map<String, Status> statuses = new ConcurrentHashMap<>();
  private volatile boolean stopping;

  public Lifecycle(List<Component> components, RecentErrors errors, Clock clock) {
    this.components = List.copyOf(components);
    this.errors = errors;
    this.clock = clock;
    for (Component c : components) {
      set(c, State.NEW, null);
    }
  }

  /** Starts every component in order; fails with the first component that fails, leaving the rest unstarted. */
  public Future<Void> startAll() {
    Future<Void> chain = Future.succeededFuture();
    for (Component c : components) {
      chain = chain.compose(ignored -> {
        set(c, State.STARTING, null);
        return c.start()
            .onSuccess(v -> {
              set(c, State.RUNNING, null);
              log.info("started {}", c.name());
            })
            .onFailure(e -> {
              set(c, State.FAILED, describe(e));
              errors.add(c.name(), "start failed: " + describe(e));
            });
      });
    }
    return chain;
  }

  /** Ready when every component runs and no shutdown has begun. */
  public boolean ready() {
    return !stopping && statuses.values().stream().allMatch(s -> s.state() == State.RUNNING);
  }

  /** Flips readiness to false at once; {@link #stopAll()} follows after the shutdown delay. */
  public void beginShutdown() {
    stopping = true;
  }

  /**
   * Stops every component in reverse order, each once, whether or not it started; a failure to stop is recorded and
   * the next one is stopped anyway. The result fails when any component failed to stop.
   */
  public Future<Void> stopAll() {
    stopping = true;
    AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    List<Component> reversed = new ArrayList<>(components);
    java.util.Collections.reverse(reversed);
    Future<Void> chain = Future.succeededFuture();
    for (Component c : reversed) {
      chain = chain.eventually(() -> {
        set(c, State.STOPPING, null);
        return c.stop()
            .onSuccess(v -> set(c, State.STOPPED, null))
            .onFailure(e -> {
              firstFailure.compareAndSet(null, e);
              set(c, State.FAILED, describe(e));
              errors.add(c.name(), "stop failed: " + describe(e));
              log.error("stopping {} failed", c.name(), e);
            });
      });
    }
    return chain.transform(ar -> firstFailure.get() == null
        ? Future.succeededFuture() : Future.failedFuture(firstFailure.get()));
  }

  public List<Status> statuses() {
    return components.stream().map(c -> statuses.get(c.name())).toList();
  }

  private void set(Component c, State state, String error) {
    statuses.put(c.name(), new Status(c.name(), state, clock.instant(), error));
  }

  private static String describe(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}

package dev.nodewatch.collectors.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle every component keeps, as a test its own test extends: a stop without a start completes and
 * leaves nothing held; start, stop and start again works; a second stop is harmless. What "held" means (open
 * files, sinks, threads) the subclass says in {@link #assertReleased}.
 */
public abstract class ComponentContract {

  private static final long WAIT_SECONDS = 20;

  /** A new component, not started. */
  protected abstract Component newComponent() throws Exception;

  /** Fails when the component still holds anything after a completed stop. */
  protected abstract void assertReleased() throws Exception;

  protected static void completes(Future<Void> future, String what) throws Exception {
    future.toCompletionStage().toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(future.succeeded()).as(what).isTrue();
  }

  @Test
  void aStopWithoutAStartCompletesAndHoldsNothing() throws Exception {
    Component component = newComponent();
    completes(component.stop(), "stop before start");
    assertReleased();
  }

  @Test
  void itStartsAgainAfterAStopAndEachStopReleasesEverything() throws Exception {
    Component component = newComponent();
    completes(component.start(), "first start");
    completes(component.stop(), "first stop");
    assertReleased();
    completes(component.start(), "second start");
    completes(component.stop(), "second stop");
    assertReleased();
  }

  @Test
  void aSecondStopIsHarmless() throws Exception {
    Component component = newComponent();
    completes(component.start(), "start");
    completes(component.stop(), "stop");
    completes(component.stop(), "stop again");
    assertReleased();
  }
}

package dev.nodewatch.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.agent.Lifecycle.State;
import dev.nodewatch.collectors.runtime.Component;
import dev.nodewatch.collectors.runtime.RecentErrors;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LifecycleTest {

  private final List<String> calls = new ArrayList<>();
  private final RecentErrors errors = new RecentErrors(5, Clock.systemUTC());

  private Component component(String name, boolean failStart, boolean failStop) {
    return new Component() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Future<Void> start() {
        calls.add("start " + name);
        return failStart ? Future.failedFuture("port in use") : Future.succeededFuture();
      }

      @Override
      public Future<Void> stop() {
        calls.add("stop " + name);
        return failStop ? Future.failedFuture("flush failed") : Future.succeededFuture();
      }
    };
  }

  @Test
  void startsInOrderAndStopsInReverseEvenWhenOneStopFailsAndReportsTheFailure() {
    Lifecycle lifecycle = new Lifecycle(List.of(component("a", false, false), component("b", false, true),
        component("c", false, false)), errors, Clock.systemUTC());
    assertThat(lifecycle.ready()).isFalse();
    assertThat(lifecycle.startAll().succeeded()).isTrue();
    assertThat(lifecycle.ready()).isTrue();

    lifecycle.beginShutdown();
    assertThat(lifecycle.ready()).isFalse();
    assertThat(lifecycle.stopAll().failed()).as("a failed stop is reported").isTrue();
    assertThat(calls).containsExactly("start a", "start b", "start c", "stop c", "stop b", "stop a");
    assertThat(lifecycle.statuses()).extracting(Lifecycle.Status::state)
        .containsExactly(State.STOPPED, State.FAILED, State.STOPPED);
    assertThat(errors.newestFirst()).singleElement()
        .satisfies(e -> assertThat(e.message()).isEqualTo("stop failed: flush failed"));
  }

  @Test
  void aFailedStartLeavesLaterComponentsUnstartedAndTheAgentNotReady() {
    Lifecycle lifecycle = new Lifecycle(List.of(component("a", false, false), component("b", true, false),
        component("c", false, false)), errors, Clock.systemUTC());
    assertThat(lifecycle.startAll().failed()).isTrue();
    assertThat(lifecycle.ready()).isFalse();
    assertThat(lifecycle.statuses()).extracting(Lifecycle.Status::state)
        .containsExactly(State.RUNNING, State.FAILED, State.NEW);
    assertThat(lifecycle.statuses().get(1).error()).isEqualTo("port in use");

    lifecycle.stopAll();
    assertThat(calls).containsExactly("start a", "start b", "stop c", "stop b", "stop a");
  }
}

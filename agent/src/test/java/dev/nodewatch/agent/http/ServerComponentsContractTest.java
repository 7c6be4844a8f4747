package dev.nodewatch.agent.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodewatch.agent.config.ListenAddress;
import dev.nodewatch.collectors.runtime.Component;
import dev.nodewatch.collectors.runtime.RecentErrors;
import dev.nodewatch.exporters.prometheus.PrometheusExposition;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheus.client.CollectorRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The lifecycle contract every component keeps: stop without start, stop twice, start then stop. */
class ServerComponentsContractTest {

  private final Vertx vertx = Vertx.vertx();
  private final ListenAddress anyPort = new ListenAddress("127.0.0.1", 0);

  @AfterEach
  void closeVertx() throws Exception {
    await(vertx.close());
  }

  private List<Function<Vertx, Component>> factories() {
    return List.of(
        v -> new MetricsServer(v, anyPort, new PrometheusExposition(new CollectorRegistry(), List::of), () -> true,
            new EventLoopHeartbeat(v, Duration.ofSeconds(10), new SimpleMeterRegistry()),
            new RecentErrors(5, Clock.systemUTC())),
        v -> new DebugServer(v, anyPort, () -> Map.of("ok", true), Map.of(), new ObjectMapper(), Map.of()));
  }

  @Test
  void stopWithoutStartSucceeds() throws Exception {
    for (Function<Vertx, Component> factory : factories()) {
      Component component = factory.apply(vertx);
      await(component.stop());
    }
  }

  @Test
  void startThenStopTwiceSucceeds() throws Exception {
    for (Function<Vertx, Component> factory : factories()) {
      Component component = factory.apply(vertx);
      await(component.start());
      await(component.stop());
      await(component.stop());
      assertThat(component.name()).isNotBlank();
    }
  }

  private static void await(Future<Void> future) throws Exception {
    future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}

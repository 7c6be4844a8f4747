package dev.nodewatch.exporters.forward;

import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.util.Map;

/**
 * What the agent gives a sink type to open its sinks with: the event loop's Vert.x, standard output, and the
 * process environment (where HTTP sinks find {@code HTTPS_PROXY} and {@code NO_PROXY}).
 */
public record SinkContext(Vertx vertx, PrintStream stdout, Map<String, String> environment) {

  public SinkContext {
    environment = Map.copyOf(environment);
  }
}

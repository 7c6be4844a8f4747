package dev.nodewatch.exporters.forward;

import io.vertx.core.Vertx;
import java.io.PrintStream;

/** What the agent gives a sink type to open its sinks with: the event loop's Vert.x, and standard output. */
public record SinkContext(Vertx vertx, PrintStream stdout) {}

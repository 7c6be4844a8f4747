package dev.nodewatch.agent.http;

import dev.nodewatch.agent.config.ListenAddress;
import dev.nodewatch.collectors.runtime.Component;
import dev.nodewatch.collectors.runtime.RateLimitedLog;
import dev.nodewatch.collectors.runtime.RecentErrors;
import dev.nodewatch.exporters.prometheus.PrometheusExposition;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public listener: {@code /metrics} for Prometheus, {@code /healthz} for the liveness probe, {@code /readyz}
 * for the readiness probe. Rendering runs on a worker; the event loop only routes and writes.
 */
public final class MetricsServer implements Component {

  private final Vertx vertx;
  private final ListenAddress address;
  private final PrometheusExposition exposition;
  private final BooleanSupplier ready;
  private final EventLoopHeartbeat heartbeat;
  private final RecentErrors recentErrors;
  private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

  private final RateLimitedLog errors = new RateLimitedLog(log, Duration.ofMinutes(1));
  private HttpServer server;

  public MetricsServer(Vertx vertx, ListenAddress address, PrometheusExposition exposition, BooleanSupplier ready,
      EventLoopHeartbeat heartbeat, RecentErrors recentErrors) {
    this.vertx = vertx;
    this.address = address;
    this.exposition = exposition;
    this.ready = ready;
    this.heartbeat = heartbeat;
    this.recentErrors = recentErrors;
  }

  @Override
  public String name() {
    return "metrics-server";
  }

  @Override
  public Future<Void> start() {
    HttpServerOptions options = new HttpServerOptions()
        .setCompressionSupported(true)
        .setCompressionLevel(1)
        .setIdleTimeout(60);
    server = vertx.createHttpServer(options).requestHandler(this::handle);
    return server.listen(address.port(), address.host())
        .onSuccess(s -> {
          heartbeat.start();
          log.info("serving /metrics /healthz /readyz on {}:{}", address.host(), s.actualPort());
        })
        .mapEmpty();
  }

  /** The port actually bound (useful when configured as 0). */
  public int port() {
    return server.actualPort();
  }

  @Override
  public Future<Void> stop() {
    heartbeat.stop();
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void handle(HttpServerRequest request) {
    if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
      request.response().setStatusCode(405).putHeader(HttpHeaders.ALLOW, "GET, HEAD").end();
      return;
    }
    switch (request.path()) {
      case "/metrics" -> metrics(request);
      case "/healthz" -> text(request, heartbeat.healthy() ? 200 : 503, heartbeat.healthy()
          ? "ok\n" : "event loop stalled for " + heartbeat.sinceLastTick().toMillis() + " ms\n");
      case "/readyz" -> text(request, ready.getAsBoolean() ? 200 : 503,
          ready.getAsBoolean() ? "ready\n" : "not ready\n");
      case "/" -> text(request, 200, "nodewatch: /metrics /healthz /readyz\n");
      default -> text(request, 404, "not found\n");
    }
  }

  private void metrics(HttpServerRequest request) {
    String accept = request.getHeader(HttpHeaders.ACCEPT);
    List<String> names;
    try {
      names = request.params().getAll("name[]");
    } catch (IllegalArgumentException e) {
      text(request, 400, "malformed query string: " + e.getMessage() + "\n");
      return;
    }
    vertx.executeBlocking(() -> exposition.render(accept, names), false).onComplete(ar -> {
      if (ar.succeeded()) {
        send(request, ar.result());
      } else {
        errors.error("render", "rendering /metrics failed", ar.cause());
        recentErrors.add(name(), "rendering /metrics failed: " + ar.cause());
        text(request, 500, "rendering metrics failed: " + ar.cause().getMessage() + "\n");
      }
    });
  }

  /**
   * Writes the body's chunks as they are, without joining them into one buffer first. A HEAD request gets the
   * headers alone: Vert.x leaves out the body of {@code end(buffer)} for HEAD, not that of {@code write}.
   */
  private static void send(HttpServerRequest request, PrometheusExposition.Rendered rendered) {
    HttpServerResponse response = request.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, rendered.contentType())
        .putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(rendered.length()));
    List<Buffer> chunks = rendered.chunks();
    if (request.method() == HttpMethod.HEAD || chunks.isEmpty()) {
      response.end();
      return;
    }
    for (int i = 0; i < chunks.size() - 1; i++) {
      response.write(chunks.get(i));
    }
    response.end(chunks.get(chunks.size() - 1));
  }

  static void text(HttpServerRequest request, int status, String body) {
    request.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
        .end(body);
  }
}

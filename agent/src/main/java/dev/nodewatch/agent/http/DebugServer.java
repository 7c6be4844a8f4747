package dev.nodewatch.agent.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodewatch.agent.config.ListenAddress;
import dev.nodewatch.collectors.runtime.Component;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The debug listener, loopback by default: {@code /debug/status} (version, uptime, components, recent errors) and
 * {@code /debug/config} (the effective configuration; secrets are only ever file paths there).
 */
public final class DebugServer implements Component {

  private static final Logger log = LoggerFactory.getLogger(DebugServer.class);

  private final Vertx vertx;
  private final ListenAddress address;
  private final Supplier<Object> status;
  private final Object effectiveConfig;
  private final ObjectMapper json;
  private final java.util.Map<String, Supplier<Object>> pages;
  private HttpServer server;

  /** @param pages more JSON pages by path (such as {@code /debug/files}), each computed per request */
  public DebugServer(Vertx vertx, ListenAddress address, Supplier<Object> status, Object effectiveConfig,
      ObjectMapper json, java.util.Map<String, Supplier<Object>> pages) {
    this.pages = new java.util.TreeMap<>(pages);
    this.vertx = vertx;
    this.address = address;
    this.status = status;
    this.effectiveConfig = effectiveConfig;
    this.json = json;
  }

  @Override
  public String name() {
    return "debug-server";
  }

  @Override
  public Future<Void> start() {
    server = vertx.createHttpServer().requestHandler(this::handle);
    if (!address.isLoopback()) {
      log.warn("the debug endpoint listens on {}, not loopback: it shows file paths, pod names and sink endpoints",
          address);
    }
    return server.listen(address.port(), address.host())
        .onSuccess(s -> log.info("serving /debug on {}:{}", address.host(), s.actualPort()))
        .mapEmpty();
  }

  public int port() {
    return server.actualPort();
  }

  @Override
  public Future<Void> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void handle(HttpServerRequest request) {
    Supplier<Object> page = pages.get(request.path());
    if (page != null) {
      // the pages read files and queue state: off the event loop
      vertx.executeBlocking(page::get, false)
          .onSuccess(value -> json(request, value))
          .onFailure(e -> MetricsServer.text(request, 500, "cannot build the page: " + e + "\n"));
      return;
    }
    switch (request.path()) {
      case "/debug/status" -> json(request, status.get());
      case "/debug/config" -> json(request, effectiveConfig);
      case "/", "/debug" -> MetricsServer.text(request, 200, "nodewatch debug: /debug/status /debug/config "
          + String.join(" ", pages.keySet()) + "\n");
      default -> MetricsServer.text(request, 404, "not found\n");
    }
  }

  private void json(HttpServerRequest request, Object value) {
    try {
      byte[] body = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
      request.response()
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .end(Buffer.buffer(body));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      MetricsServer.text(request, 500, "cannot encode: " + e.getOriginalMessage() + "\n");
    }
  }
}

package dev.nodewatch.exporters.testing;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A real HTTP server on a loopback port that keeps every request it got, exactly as it came (headers and the body
 * as sent, still compressed), and answers as the test tells it. For the client-side behaviour of HTTP sinks (TLS,
 * credentials, compression, status codes, broken connections) where a real back end cannot be made to misbehave.
 */
public final class RecordingHttpServer implements AutoCloseable {

  /** One request as received. */
  public record Received(String method, String uri, MultiMap headers, Buffer body) {}

  /** How the server answers a request whose body has arrived. */
  @FunctionalInterface
  public interface Answer {
    void answer(HttpServerRequest request, Buffer body);
  }

  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile Answer answer = (request, body) -> request.response().setStatusCode(200).end("ok");

  private RecordingHttpServer(HttpServer server) {
    this.server = server;
  }

  public static RecordingHttpServer start(Vertx vertx, HttpServerOptions options) throws Exception {
    RecordingHttpServer[] self = new RecordingHttpServer[1];
    HttpServer server = vertx.createHttpServer(options.setHost("127.0.0.1").setPort(0)
        .setDecompressionSupported(false));
    self[0] = new RecordingHttpServer(server);
    server.requestHandler(request -> request.body().onSuccess(body -> {
      self[0].received.add(new Received(request.method().name(), request.uri(),
          MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body));
      self[0].answer.answer(request, body);
    }));
    server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return self[0];
  }

  public static RecordingHttpServer start(Vertx vertx) throws Exception {
    return start(vertx, new HttpServerOptions());
  }

  public void answer(Answer answer) {
    this.answer = answer;
  }

  /** Answers every request with this status and body, and the given header pairs. */
  public void answer(int status, String body, String... headers) {
    answer((request, ignored) -> {
      for (int i = 0; i < headers.length; i += 2) {
        request.response().putHeader(headers[i], headers[i + 1]);
      }
      request.response().setStatusCode(status).end(body);
    });
  }

  /** The requests received so far, in order. */
  public List<Received> received() {
    return List.copyOf(received);
  }

  public Received last() {
    return received.get(received.size() - 1);
  }

  public int port() {
    return server.actualPort();
  }

  @Override
  public void close() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}

package dev.nodewatch.exporters.testing;

import com.github.luben.zstd.ZstdInputStream;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import org.xerial.snappy.Snappy;

/**
 * A reverse proxy in front of a sink's real server, which passes every request through unless told to fail some:
 * answer a status of its choosing, reset the connection halfway through the answer, never answer, or be down (its
 * port closed). Faults apply only to requests that carry records (the test says how to tell), so health checks
 * and a sink's own queries still reach the server. Every request is kept as it came, compressed body included.
 */
public final class FaultyFront implements AutoCloseable {

  /** A request as it came, its body as sent and as decoded from its {@code Content-Encoding}. */
  public record Seen(long nanos, String uri, MultiMap headers, Buffer raw, String decoded, boolean carriesRecords,
      String fault) {}

  /** What the front does with a request that carries records; null answers let it through. */
  @FunctionalInterface
  public interface Fault {
    /** @return a description of the fault applied ("status 503"), or null to pass the request on */
    String apply(HttpServerRequest request, String decodedBody);
  }

  private static final Set<String> HOP_BY_HOP = Set.of("host", "content-length", "transfer-encoding", "connection",
      "keep-alive");

  private final Vertx vertx;
  private final URI upstream;
  private final HttpClient client;
  private final Predicate<String> carriesRecords;
  private final List<Seen> seen = new CopyOnWriteArrayList<>();
  private volatile Fault fault;
  private volatile boolean everyRequest;
  private volatile HttpServer server;
  private int port;

  private FaultyFront(Vertx vertx, URI upstream, Predicate<String> carriesRecords) {
    this.vertx = vertx;
    this.upstream = upstream;
    this.carriesRecords = carriesRecords;
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
  }

  /** @param carriesRecords tells a request carrying records from the sink's other requests by its decoded body */
  public static FaultyFront start(Vertx vertx, URI upstream, Predicate<String> carriesRecords) throws Exception {
    FaultyFront front = new FaultyFront(vertx, upstream, carriesRecords);
    front.listen(0);
    return front;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** The next {@code times} requests carrying records get this status (and header pairs), then pass. */
  public void failNext(int times, int status, String body, String... headers) {
    AtomicInteger left = new AtomicInteger(times);
    fault = (request, decoded) -> {
      if (left.getAndDecrement() <= 0) {
        return null;
      }
      for (int i = 0; i < headers.length; i += 2) {
        request.response().putHeader(headers[i], headers[i + 1]);
      }
      request.response().setStatusCode(status).end(body);
      return "status " + status;
    };
  }

  /** The next {@code times} requests carrying records see the answer start, then the connection reset. */
  public void resetNext(int times) {
    AtomicInteger left = new AtomicInteger(times);
    fault = (request, decoded) -> {
      if (left.getAndDecrement() <= 0) {
        return null;
      }
      request.response().putHeader("Content-Length", "1000").setStatusCode(200).write("{\"partial\":");
      vertx.setTimer(20, t -> request.connection().close());
      return "reset";
    };
  }

  /** The next {@code times} requests carrying records are never answered. */
  public void hangNext(int times) {
    AtomicInteger left = new AtomicInteger(times);
    fault = (request, decoded) -> left.getAndDecrement() > 0 ? "hang" : null;
  }

  /** Applies a fault of the test's own to every request carrying records. */
  public void fail(Fault fault) {
    this.fault = fault;
    this.everyRequest = false;
  }

  /** Applies a fault of the test's own to every request, health checks and the sink's queries too. */
  public void failEveryRequest(Fault fault) {
    this.fault = fault;
    this.everyRequest = true;
  }

  /** Closes the front's port: connections are refused until {@link #up}. */
  public void down() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** Listens again, on the same port. */
  public void up() throws Exception {
    listen(port);
  }

  public List<Seen> seen() {
    return List.copyOf(seen);
  }

  /** The requests that carried records, in order. */
  public List<Seen> deliveries() {
    return seen.stream().filter(Seen::carriesRecords).toList();
  }

  private void listen(int onPort) throws Exception {
    HttpServer next = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(onPort)
        .setDecompressionSupported(false));
    next.requestHandler(this::handle);
    next.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    port = next.actualPort();
    server = next;
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(raw -> {
      String decoded = decode(request.getHeader("Content-Encoding"), raw);
      boolean records = carriesRecords.test(decoded);
      Fault now = fault;
      String applied = (records || everyRequest) && now != null ? now.apply(request, decoded) : null;
      seen.add(new Seen(System.nanoTime(), request.uri(), MultiMap.caseInsensitiveMultiMap()
          .addAll(request.headers()), raw, decoded, records, applied));
      if (applied == null) {
        forward(request, raw);
      }
    });
  }

  private void forward(HttpServerRequest request, Buffer raw) {
    RequestOptions options = new RequestOptions().setMethod(request.method()).setHost(upstream.getHost())
        .setPort(upstream.getPort()).setURI(request.uri());
    request.headers().forEach((name, value) -> {
      if (!HOP_BY_HOP.contains(name.toLowerCase(java.util.Locale.ROOT))) {
        options.addHeader(name, value);
      }
    });
    client.request(options)
        .compose(upstreamRequest -> upstreamRequest.send(raw))
        .compose(response -> response.body().map(body -> {
          response.headers().forEach((name, value) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(java.util.Locale.ROOT))) {
              request.response().putHeader(name, value);
            }
          });
          request.response().setStatusCode(response.statusCode()).end(body);
          return body;
        }))
        .onFailure(e -> request.response().setStatusCode(502).end("front: upstream failed: " + e));
  }

  /** The body as the server would read it, decoded from the encoding the request says it has. */
  public static String decode(String contentEncoding, Buffer raw) {
    byte[] bytes = raw.getBytes();
    try {
      byte[] plain = switch (contentEncoding == null ? "" : contentEncoding) {
        case "" -> bytes;
        case "gzip" -> readAll(new GZIPInputStream(new ByteArrayInputStream(bytes)));
        case "zstd" -> readAll(new ZstdInputStream(new ByteArrayInputStream(bytes)));
        case "snappy" -> Snappy.uncompress(bytes);
        default -> throw new IllegalArgumentException("unknown Content-Encoding " + contentEncoding);
      };
      return new String(plain, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  @Override
  public void close() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    client.close();
  }
}

package dev.nodewatch.exporters.http;

import dev.nodewatch.exporters.forward.SinkException;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.ProxyOptions;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one HTTP client every HTTP sink sends through (Vert.x's, on the agent's event loop; a send blocks only the
 * sink's sender thread). It sets what every request needs — credentials read from their files for each request,
 * the configured headers, {@code Content-Encoding} — verifies TLS (the CA file or the JVM's roots, the host name
 * unless turned off, a client certificate when configured), goes through the proxy the environment names, keeps
 * connections alive, and turns a request that got no answer into a classified {@link SinkException}. Answers of any
 * status come back as {@link HttpReply}; {@link #failure} reads one that is not a success with
 * {@link HttpStatusTable}.
 */
public final class HttpTransport implements AutoCloseable {

  private final HttpEndpoint endpoint;
  private final String who;
  private final HttpClient client;
  private final ProxyOptions proxy;
  private final String base;
  private final Vertx vertx;

  /**
   * @param who names the server in errors, e.g. {@code "ClickHouse"}
   * @param env where {@code HTTPS_PROXY}, {@code HTTP_PROXY} and {@code NO_PROXY} are read
   */
  public HttpTransport(Vertx vertx, HttpEndpoint endpoint, String who, Map<String, String> env) {
    this.endpoint = endpoint;
    this.who = who + " at " + endpoint.display();
    this.proxy = ProxyChoice.forEndpoint(endpoint.url(), env);
    HttpClientOptions options = new HttpClientOptions().setKeepAlive(true).setKeepAliveTimeout(30)
        .setConnectTimeout((int) Math.min(endpoint.timeout().toMillis(), 10_000));
    if ("https".equalsIgnoreCase(endpoint.url().getScheme())) {
      TlsOptions tls = endpoint.tls();
      options.setSsl(true).setVerifyHost(tls.verifyHostname());
      if (tls.caFile() != null) {
        options.setTrustOptions(new PemTrustOptions().addCertPath(tls.caFile()));
      }
      if (tls.hasClientCertificate()) {
        options.setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certFile()).setKeyPath(tls.keyFile().file().toString()));
      }
    }
    if (proxy != null) {
      options.setProxyOptions(proxy);
    }
    // one sink sends one request at a time; a second connection serves its health check meanwhile
    this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(2));
    this.vertx = vertx;
    String path = endpoint.url().getRawPath();
    this.base = endpoint.url().getScheme() + "://" + endpoint.url().getRawAuthority()
        + (path == null ? "" : path.replaceAll("/+$", ""));
  }

  /** Where requests go, and through what, for a health check's answer. */
  public String route() {
    return endpoint.display() + " " + ProxyChoice.describe(proxy);
  }

  /**
   * Sends one request and waits for the whole answer, at most the endpoint's timeout.
   *
   * @param path appended to the endpoint's path: {@code /loki/api/v1/push}, {@code /?query=…}, or empty
   * @param body the body, already compressed with {@code compression}
   * @param headers this request's own (content type and the like)
   * @throws SinkException when no answer came (connection, TLS, timeout) or the credentials cannot be read
   */
  public HttpReply send(HttpMethod method, String path, Map<String, String> headers, Buffer body,
      Compression compression) throws SinkException {
    AuthOptions.Credentials credentials = endpoint.auth().read();
    RequestOptions request = new RequestOptions().setMethod(method).setAbsoluteURI(base + path)
        .setIdleTimeout(endpoint.timeout().toMillis());
    MultiMap all = request.getHeaders() == null ? MultiMap.caseInsensitiveMultiMap() : request.getHeaders();
    endpoint.headers().forEach(all::set);
    headers.forEach(all::set);
    if (credentials.authorization() != null) {
      all.set("Authorization", credentials.authorization());
    }
    if (compression.contentEncoding() != null) {
      all.set("Content-Encoding", compression.contentEncoding());
    }
    request.setHeaders(all);
    long wait = endpoint.timeout().toMillis() + 1000;
    Promise<HttpReply> reply = Promise.promise();
    // the whole exchange on one event loop: composed from the sender's thread, a callback could run there after part
    // of the answer had already gone by unread. A context of its own per request (from the sender's thread, Vert.x
    // makes a new one, on the next event loop), so sinks do not queue behind one another on a single loop.
    Context context = vertx.getOrCreateContext();
    context.runOnContext(ignored -> client.request(request)
        .compose(r -> r.send(body))
        .compose(response -> response.body().map(answer -> new HttpReply(response.statusCode(),
            response.headers(), answer, response.statusCode() / 100 == 2 ? ""
                : HttpReply.errorText(answer, credentials))))
        .onComplete(reply));
    try {
      return reply.future().toCompletionStage().toCompletableFuture().get(wait, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw HttpStatusTable.forNetworkError(e.getCause() == null ? e : e.getCause(), who);
    } catch (TimeoutException e) {
      throw SinkException.retryable("timeout", who + " did not answer within " + endpoint.timeout(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw SinkException.retryable("interrupted", "interrupted while waiting for " + who, e);
    }
  }

  /** An answer that was not a success, read with the shared status table. */
  public SinkException failure(HttpReply reply) {
    return HttpStatusTable.forStatus(reply.status(), reply.header("Retry-After"), who + ": " + reply.errorText());
  }

  @Override
  public void close() {
    client.close();
  }
}

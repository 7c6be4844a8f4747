package dev.nodewatch.exporters.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.nodewatch.collectors.config.Secret;
import dev.nodewatch.exporters.forward.SinkException;
import dev.nodewatch.exporters.testing.FaultyFront;
import dev.nodewatch.exporters.testing.RecordingHttpServer;
import dev.nodewatch.exporters.testing.TestCertificates;
import dev.nodewatch.exporters.testing.Tinyproxy;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The shared HTTP transport against real HTTP and HTTPS servers on loopback, and a real proxy (tinyproxy). */
class HttpTransportTest {

  private static final String BODY = "{\"message\":\"hello\"}\n".repeat(200);

  private static Vertx vertx;
  @TempDir
  static Path dir;
  private static TestCertificates certs;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    certs = TestCertificates.make(Files.createDirectories(dir.resolve("certs")));
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  void sendsTheBodyCompressedAsItSaysWithTheConfiguredHeaders(Compression compression) throws Exception {
    try (RecordingHttpServer server = RecordingHttpServer.start(vertx);
        HttpTransport http = transport("http://127.0.0.1:" + server.port() + "/base/", TlsOptions.DEFAULT,
            AuthOptions.NONE, Map.of("X-Scope-OrgID", "shop"))) {
      HttpReply reply = http.send(HttpMethod.POST, "/push", Map.of("Content-Type", "application/x-ndjson"),
          compressed(compression, BODY), compression);

      assertThat(reply.ok()).isTrue();
      RecordingHttpServer.Received got = server.last();
      assertThat(got.uri()).isEqualTo("/base/push");
      assertThat(got.headers().get("X-Scope-OrgID")).isEqualTo("shop");
      assertThat(got.headers().get("Content-Type")).isEqualTo("application/x-ndjson");
      assertThat(got.headers().get("Content-Encoding")).isEqualTo(compression.contentEncoding());
      assertThat(got.headers().get("Authorization")).isNull();
      assertThat(FaultyFront.decode(got.headers().get("Content-Encoding"), got.body())).isEqualTo(BODY);
      if (compression != Compression.NONE) {
        assertThat(got.body().length()).isLessThan(BODY.length() / 5);
      }
    }
  }

  @Test
  void readsTheCredentialsForEveryRequestSoARotatedSecretTakesEffect() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "first-token\n");
    Path password = Files.writeString(dir.resolve("password"), "pa55word-1");
    try (RecordingHttpServer server = RecordingHttpServer.start(vertx);
        HttpTransport bearer = transport("http://127.0.0.1:" + server.port(), TlsOptions.DEFAULT,
            new AuthOptions(null, null, Secret.fromPath(token.toString())), Map.of());
        HttpTransport basic = transport("http://127.0.0.1:" + server.port(), TlsOptions.DEFAULT,
            AuthOptions.basic("agent", Secret.fromPath(password.toString())), Map.of())) {
      bearer.send(HttpMethod.POST, "/", Map.of(), Buffer.buffer("a"), Compression.NONE);
      Files.writeString(token, "second-token\n");
      bearer.send(HttpMethod.POST, "/", Map.of(), Buffer.buffer("b"), Compression.NONE);
      basic.send(HttpMethod.POST, "/", Map.of(), Buffer.buffer("c"), Compression.NONE);
      Files.writeString(password, "pa55word-2");
      basic.send(HttpMethod.POST, "/", Map.of(), Buffer.buffer("d"), Compression.NONE);

      assertThat(server.received()).extracting(r -> r.headers().get("Authorization")).containsExactly(
          "Bearer first-token", "Bearer second-token", "Basic " + base64("agent:pa55word-1"),
          "Basic " + base64("agent:pa55word-2"));
    }
  }

  @Test
  void aMissingCredentialFileIsRetriedAndNamedWithoutItsContents() throws Exception {
    Path token = Files.writeString(dir.resolve("gone-token"), "s3cr3t-token");
    try (RecordingHttpServer server = RecordingHttpServer.start(vertx);
        HttpTransport http = transport("http://127.0.0.1:" + server.port(), TlsOptions.DEFAULT,
            new AuthOptions(null, null, Secret.fromPath(token.toString())), Map.of())) {
      Files.delete(token);
      SinkException e = catchThrowableOfType(SinkException.class,
          () -> http.send(HttpMethod.POST, "/", Map.of(), Buffer.buffer("x"), Compression.NONE));
      assertThat(e.kind()).isEqualTo(SinkException.Kind.RETRYABLE);
      assertThat(e.reason()).isEqualTo("credentials");
      assertThat(e.getMessage()).contains(token.toString());
      assertThat(server.received()).isEmpty();
    }
  }

  @Test
  void keepsTheServersErrorCutToOneKibAndWithoutTheSecretsItEchoes() throws Exception {
    Path password = Files.writeString(dir.resolve("echoed-password"), "hunter2-very-secret");
    try (RecordingHttpServer server = RecordingHttpServer.start(vertx);
        HttpTransport http = transport("http://127.0.0.1:" + server.port(), TlsOptions.DEFAULT,
            AuthOptions.basic("agent", Secret.fromPath(password.toString())), Map.of())) {
      server.answer((request, body) -> request.response().setStatusCode(400).end("entry too old; you sent "
          + request.getHeader("Authorization") + " with password hunter2-very-secret " + "x".repeat(5000)));
      HttpReply reply = http.send(HttpMethod.POST, "/", Map.of(), Buffer.buffer("x"), Compression.NONE);
      SinkException e = http.failure(reply);

      assertThat(e.kind()).isEqualTo(SinkException.Kind.PERMANENT);
      assertThat(e.getMessage()).startsWith("HTTP 400: test at http://127.0.0.1:" + server.port() + ": entry too old")
          .doesNotContain("hunter2-very-secret").doesNotContain(base64("agent:hunter2-very-secret"))
          .contains("<redacted>").contains("bytes)");
      assertThat(reply.errorText().length()).isLessThan(HttpReply.MAX_ERROR_BODY + 40);
    }
  }

  @ParameterizedTest
  @CsvSource({
      "200, , ok, ",
      "204, , ok, ",
      "400, , PERMANENT, rejected",
      "401, , RETRYABLE, unauthorized",
      "403, , RETRYABLE, unauthorized",
      "404, , RETRYABLE, not_found",
      "408, , RETRYABLE, timeout",
      "413, , PERMANENT, too_large",
      "422, , PERMANENT, rejected",
      "429, , THROTTLED, throttled",
      "429, 7, THROTTLED, throttled",
      "500, , RETRYABLE, http_5xx",
      "502, , RETRYABLE, http_5xx",
      "503, , RETRYABLE, http_5xx",
      "503, 3, THROTTLED, throttled",
      "504, , RETRYABLE, http_5xx",
      "301, , RETRYABLE, redirect"})
  void everyStatusHasOneMeaning(int status, String retryAfter, String kind, String reason) throws Exception {
    try (RecordingHttpServer server = RecordingHttpServer.start(vertx);
        HttpTransport http = transport("http://127.0.0.1:" + server.port(), TlsOptions.DEFAULT, AuthOptions.NONE,
            Map.of())) {
      server.answer(status, status == 204 ? "" : "why: " + status,
          retryAfter == null ? new String[0] : new String[] {"Retry-After", retryAfter});
      HttpReply reply = http.send(HttpMethod.POST, "/", Map.of(), Buffer.buffer("x"), Compression.NONE);
      assertThat(reply.status()).isEqualTo(status);
      if (kind.equals("ok")) {
        assertThat(reply.ok()).isTrue();
        return;
      }
      SinkException e = http.failure(reply);
      assertThat(e.kind().name()).isEqualTo(kind);
      assertThat(e.reason()).isEqualTo(reason);
      assertThat(e.getMessage()).contains("why: " + status);
      assertThat(e.retryAfter()).isEqualTo(retryAfter == null ? null : Duration.ofSeconds(Long.parseLong(retryAfter)));
      assertThat(e.smallerMayPass()).isEqualTo(status == 413);
    }
  }

  @Test
  void retryAfterAsAnHttpDate() {
    String inTenSeconds = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
        java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(10));
    SinkException e = HttpStatusTable.forStatus(429, inTenSeconds, "slow down");
    assertThat(e.retryAfter()).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(10));
    assertThat(HttpStatusTable.forStatus(429, "Wed, 21 Oct 2015 07:28:00 GMT", "").retryAfter())
        .isEqualTo(Duration.ZERO);
    assertThat(HttpStatusTable.forStatus(429, "soon", "").retryAfter()).isNull();
  }

  @Test
  void noAnswerIsRetriedWithTheReasonItHad() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (HttpTransport refused = transport("http://127.0.0.1:" + closedPort, TlsOptions.DEFAULT, AuthOptions.NONE,
        Map.of())) {
      assertNoAnswer(refused, "connection");
    }
    try (RecordingHttpServer server = RecordingHttpServer.start(vertx);
        HttpTransport http = transport("http://127.0.0.1:" + server.port(), TlsOptions.DEFAULT, AuthOptions.NONE,
            Map.of(), Duration.ofMillis(700))) {
      // the answer starts, then the connection is reset before its body is complete
      server.answer((request, body) -> {
        request.response().putHeader("Content-Length", "1000").setStatusCode(200).write("partial");
        vertx.setTimer(50, t -> request.connection().close());
      });
      assertNoAnswer(http, "connection");
      server.answer((request, body) -> { }); // never answers
      assertNoAnswer(http, "timeout");
    }
  }

  @Test
  void verifiesTheServersCertificateAgainstTheCaFileAndItsHostName() throws Exception {
    HttpServerOptions tls = new HttpServerOptions().setSsl(true).setKeyCertOptions(
        new PemKeyCertOptions().setCertPath(certs.serverCert().toString()).setKeyPath(certs.serverKey().toString()));
    try (RecordingHttpServer server = RecordingHttpServer.start(vertx, tls)) {
      String url = "https://localhost:" + server.port();
      try (HttpTransport trusted = transport(url, caOnly(), AuthOptions.NONE, Map.of())) {
        assertThat(trusted.send(HttpMethod.POST, "/", Map.of(), Buffer.buffer("x"), Compression.NONE).ok()).isTrue();
      }
      try (HttpTransport jvmRoots = transport(url, TlsOptions.DEFAULT, AuthOptions.NONE, Map.of())) {
        assertNoAnswer(jvmRoots, "tls");
      }
    }
    HttpServerOptions otherName = new HttpServerOptions().setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
        .setCertPath(certs.otherHostCert().toString()).setKeyPath(certs.otherHostKey().toString()));
    try (RecordingHttpServer server = RecordingHttpServer.start(vertx, otherName)) {
      String url = "https://localhost:" + server.port();
      try (HttpTransport strict = transport(url, caOnly(), AuthOptions.NONE, Map.of())) {
        assertNoAnswer(strict, "tls");
      }
      TlsOptions anyName = new TlsOptions(certs.caCert().toString(), null, null, false);
      try (HttpTransport lenient = transport(url, anyName, AuthOptions.NONE, Map.of())) {
        assertThat(lenient.send(HttpMethod.POST, "/", Map.of(), Buffer.buffer("x"), Compression.NONE).ok()).isTrue();
      }
    }
  }

  @Test
  void presentsTheClientCertificateToAServerThatRequiresOne() throws Exception {
    HttpServerOptions mutual = new HttpServerOptions().setSsl(true).setClientAuth(ClientAuth.REQUIRED)
        .setTrustOptions(new PemTrustOptions().addCertPath(certs.caCert().toString()))
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(certs.serverCert().toString())
            .setKeyPath(certs.serverKey().toString()));
    try (RecordingHttpServer server = RecordingHttpServer.start(vertx, mutual)) {
      String url = "https://localhost:" + server.port();
      try (HttpTransport without = transport(url, caOnly(), AuthOptions.NONE, Map.of())) {
        SinkException e = catchThrowableOfType(SinkException.class,
            () -> without.send(HttpMethod.POST, "/", Map.of(), Buffer.buffer("x"), Compression.NONE));
        assertThat(e.kind()).isEqualTo(SinkException.Kind.RETRYABLE);
        assertThat(e.reason()).isIn("tls", "connection");
      }
      TlsOptions withCert = new TlsOptions(certs.caCert().toString(), certs.clientCert().toString(),
          Secret.fromPath(certs.clientKey().toString()), null);
      try (HttpTransport with = transport(url, withCert, AuthOptions.NONE, Map.of())) {
        assertThat(with.send(HttpMethod.POST, "/", Map.of(), Buffer.buffer("x"), Compression.NONE).ok()).isTrue();
      }
    }
  }

  @Test
  void goesThroughTheProxyTheEnvironmentNamesUnlessNoProxyListsTheHost() throws Exception {
    HttpServerOptions tls = new HttpServerOptions().setSsl(true).setKeyCertOptions(
        new PemKeyCertOptions().setCertPath(certs.serverCert().toString()).setKeyPath(certs.serverKey().toString()));
    try (Tinyproxy proxy = Tinyproxy.start(Files.createDirectories(dir.resolve("proxy")));
        RecordingHttpServer plain = RecordingHttpServer.start(vertx);
        RecordingHttpServer secure = RecordingHttpServer.start(vertx, tls)) {
      Map<String, String> env = Map.of("HTTP_PROXY", proxy.url(), "https_proxy", proxy.url(),
          "NO_PROXY", "example.com,.svc.cluster.local");
      try (HttpTransport http = new HttpTransport(vertx, endpoint("http://localhost:" + plain.port(),
          TlsOptions.DEFAULT, AuthOptions.NONE, Map.of(), Duration.ofSeconds(10)), "test", env)) {
        assertThat(http.route()).contains("through proxy 127.0.0.1");
        assertThat(http.send(HttpMethod.POST, "/", Map.of(), Buffer.buffer("x"), Compression.NONE).ok()).isTrue();
        assertThat(plain.last().headers().get("Via")).contains("tinyproxy");
      }
      try (HttpTransport https = new HttpTransport(vertx, endpoint("https://localhost:" + secure.port(), caOnly(),
          AuthOptions.NONE, Map.of(), Duration.ofSeconds(10)), "test", env)) {
        assertThat(https.send(HttpMethod.POST, "/", Map.of(), Buffer.buffer("x"), Compression.NONE).ok()).isTrue();
        assertThat(proxy.log()).contains("CONNECT").contains(":" + secure.port());
      }
      Map<String, String> bypass = Map.of("HTTP_PROXY", proxy.url(), "NO_PROXY", "localhost");
      try (HttpTransport direct = new HttpTransport(vertx, endpoint("http://localhost:" + plain.port(),
          TlsOptions.DEFAULT, AuthOptions.NONE, Map.of(), Duration.ofSeconds(10)), "test", bypass)) {
        assertThat(direct.route()).endsWith("direct");
        assertThat(direct.send(HttpMethod.POST, "/", Map.of(), Buffer.buffer("x"), Compression.NONE).ok()).isTrue();
        assertThat(plain.last().headers().get("Via")).isNull();
      }
    }
  }

  private static void assertNoAnswer(HttpTransport http, String reason) {
    assertThatThrownBy(() -> http.send(HttpMethod.POST, "/", Map.of(), Buffer.buffer("x"), Compression.NONE))
        .isInstanceOfSatisfying(SinkException.class, e -> {
          assertThat(e.kind()).isEqualTo(SinkException.Kind.RETRYABLE);
          assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
        });
  }

  private static TlsOptions caOnly() {
    return new TlsOptions(certs.caCert().toString(), null, null, null);
  }

  private static HttpTransport transport(String url, TlsOptions tls, AuthOptions auth, Map<String, String> headers) {
    return transport(url, tls, auth, headers, Duration.ofSeconds(10));
  }

  private static HttpTransport transport(String url, TlsOptions tls, AuthOptions auth, Map<String, String> headers,
      Duration timeout) {
    return new HttpTransport(vertx, endpoint(url, tls, auth, headers, timeout), "test", Map.of());
  }

  private static HttpEndpoint endpoint(String url, TlsOptions tls, AuthOptions auth, Map<String, String> headers,
      Duration timeout) {
    return new HttpEndpoint(URI.create(url), tls, auth, headers, timeout);
  }

  static Buffer compressed(Compression compression, String text) throws IOException {
    Buffer body = Buffer.buffer();
    try (OutputStream out = compression.wrap(new BufferOutputStream(body))) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return body;
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}

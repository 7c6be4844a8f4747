package dev.nodewatch.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodewatch.agent.config.AgentConfig;
import dev.nodewatch.agent.config.ConfigLoader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The agent's HTTP endpoints over real sockets, as Prometheus, the kubelet and an operator call them. */
class AgentEndpointsTest {

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();
  private Agent agent;

  @BeforeEach
  void startAgent() throws Exception {
    AgentConfig config = new ConfigLoader(Map.of(), () -> "test-node").parse("""
        data_dir: /tmp/nodewatch-test
        shutdown_delay: 1s
        shutdown_timeout: 10s
        server:
          listen: 127.0.0.1:0
        debug:
          listen: 127.0.0.1:0
        """, "test.yaml");
    agent = new Agent(config, "test-version", Clock.systemUTC());
    agent.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stopAgent() {
    agent.shutdown();
  }

  @Test
  void metricsDefaultToPrometheusTextFormat() throws Exception {
    HttpResponse<String> response = get("/metrics", Map.of());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type"))
        .contains("text/plain; version=0.0.4; charset=utf-8");
    assertThat(response.body())
        .contains("# TYPE jvm_memory_used_bytes gauge")
        .contains("# TYPE process_resident_memory_bytes gauge")
        .contains("# TYPE nodewatch_event_loop_lag_seconds gauge")
        .doesNotContain("# EOF");
  }

  /** The body goes out as the chunks it was rendered in; the length announced must be theirs together. */
  @Test
  void metricsAnnounceTheirLengthAndAnswerHeadWithoutABody() throws Exception {
    HttpResponse<byte[]> get = http.send(request("/metrics", Map.of()).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(get.headers().firstValue("content-length")).contains(Integer.toString(get.body().length));
    assertThat(new String(get.body(), StandardCharsets.UTF_8)).endsWith("\n").contains("# TYPE node_load1 gauge");
    HttpResponse<byte[]> head = http.send(request("/metrics", Map.of())
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void metricsNegotiateOpenMetrics() throws Exception {
    HttpResponse<String> response = get("/metrics",
        Map.of("Accept", "application/openmetrics-text; version=1.0.0; charset=utf-8,text/plain;q=0.5"));
    assertThat(response.headers().firstValue("content-type"))
        .contains("application/openmetrics-text; version=1.0.0; charset=utf-8");
    assertThat(response.body()).endsWith("# EOF\n").contains("# TYPE process_cpu_seconds counter");
  }

  @Test
  void metricsAreGzippedWhenAsked() throws Exception {
    HttpResponse<byte[]> response = http.send(request("/metrics", Map.of("Accept-Encoding", "gzip")).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(response.headers().firstValue("content-encoding")).contains("gzip");
    String body;
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
      body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(body).contains("# TYPE jvm_memory_used_bytes gauge");
    assertThat(response.body().length).isLessThan(body.length() / 2);
  }

  @Test
  void hostMetricsComeWithNodeExporterNamesAndPerCollectorHealth() throws Exception {
    String body = get("/metrics", Map.of()).body();
    assertThat(body)
        .contains("# TYPE node_cpu_seconds_total counter")
        .contains("# TYPE node_memory_MemTotal_bytes gauge")
        .contains("node_scrape_collector_success{collector=\"meminfo\"} 1\n")
        .contains("nodewatch_scrape_collector_success{collector=\"cpu\"} 1\n")
        .containsPattern("node_scrape_collector_duration_seconds\\{collector=\"filesystem\"} [0-9.eE-]+");
  }

  @Test
  void metricsCanBeFilteredByName() throws Exception {
    String body = get("/metrics?name[]=process_open_fds&name[]=process_max_fds", Map.of()).body();
    assertThat(body.lines().filter(l -> l.startsWith("# TYPE")))
        .containsExactlyInAnyOrder("# TYPE process_open_fds gauge", "# TYPE process_max_fds gauge");
  }

  @Test
  void hostFamiliesCanBeFilteredByNameToo() throws Exception {
    String body = get("/metrics?name[]=node_load1&name[]=node_scrape_collector_success", Map.of()).body();
    assertThat(body.lines().filter(l -> l.startsWith("# TYPE")))
        .containsExactlyInAnyOrder("# TYPE node_load1 gauge", "# TYPE node_scrape_collector_success gauge");
  }

  @Test
  void aMalformedQueryIsABadRequestNotAHang() throws Exception {
    // java.net.http refuses to send a malformed escape, so this request goes out over a plain socket.
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", agent.metricsPort())) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(
          "GET /metrics?x=%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      String statusLine = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
          StandardCharsets.US_ASCII)).readLine();
      assertThat(statusLine).isEqualTo("HTTP/1.1 400 Bad Request");
    }
  }

  @Test
  void probesAnswer() throws Exception {
    assertThat(get("/healthz", Map.of()).statusCode()).isEqualTo(200);
    HttpResponse<String> ready = get("/readyz", Map.of());
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).isEqualTo("ready\n");
    assertThat(get("/nope", Map.of()).statusCode()).isEqualTo(404);
    HttpResponse<String> post = http.send(request("/metrics", Map.of())
        .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
  }

  @Test
  void debugPagesShowTheTailedFilesTheQueueAndTheSinks() throws Exception {
    JsonNode queue = json.readTree(getDebug("/debug/queue").body());
    assertThat(queue.path("directory").asText()).endsWith("/queue");
    assertThat(queue.path("readers").isArray()).isTrue();
    assertThat(queue.has("bytes")).isTrue();
    assertThat(json.readTree(getDebug("/debug/files").body()).path("files").isArray()).isTrue();
    assertThat(json.readTree(getDebug("/debug/sinks").body()).path("sinks").isArray()).isTrue();
  }

  @Test
  void debugStatusShowsVersionComponentsAndReadiness() throws Exception {
    JsonNode status = json.readTree(getDebug("/debug/status").body());
    assertThat(status.path("version").asText()).isEqualTo("test-version");
    assertThat(status.path("node_name").asText()).isEqualTo("test-node");
    assertThat(status.path("ready").asBoolean()).isTrue();
    assertThat(status.path("components").findValuesAsText("name"))
        .containsExactly("metrics-server", "host-metrics", "kubelet-pods", "container-metrics", "logs",
            "debug-server");
    assertThat(status.path("components").findValuesAsText("state")).containsOnly("running");
    assertThat(status.path("recent_errors").isArray()).isTrue();
  }

  @Test
  void debugConfigShowsTheEffectiveConfiguration() throws Exception {
    JsonNode config = json.readTree(getDebug("/debug/config").body());
    assertThat(config.path("server").path("listen").asText()).isEqualTo("127.0.0.1:0");
    assertThat(config.path("queue").path("max_bytes").asText()).isEqualTo("2GiB");
    assertThat(config.path("shutdown_timeout").asText()).isEqualTo("10s");
    assertThat(config.path("kubelet").path("token_file").asText())
        .isEqualTo("/var/run/secrets/kubernetes.io/serviceaccount/token");
  }

  @Test
  void readinessTurnsOffAsSoonAsShutdownBegins() throws Exception {
    CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(agent::shutdown);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    int status = 200;
    while (status == 200 && System.nanoTime() < deadline) {
      status = get("/readyz", Map.of()).statusCode();
    }
    assertThat(status).isEqualTo(503);
    assertThat(get("/healthz", Map.of()).statusCode()).isEqualTo(200);
    assertThat(stopped.get(10, TimeUnit.SECONDS)).isTrue();
  }

  private HttpResponse<String> get(String path, Map<String, String> headers) throws IOException, InterruptedException {
    return http.send(request(path, headers).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> getDebug(String path) throws IOException, InterruptedException {
    URI uri = URI.create("http://127.0.0.1:" + agent.debugPort().orElseThrow() + path);
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder request(String path, Map<String, String> headers) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.metricsPort() + path))
        .timeout(Duration.ofSeconds(5));
    headers.forEach(builder::header);
    return builder;
  }
}

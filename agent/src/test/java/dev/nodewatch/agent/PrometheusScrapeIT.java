package dev.nodewatch.agent;

import dev.nodewatch.exporters.testing.RequiredBinary;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real Prometheus (apt {@code prometheus}) scrapes the running agent; promtool lints its exposition. */
class PrometheusScrapeIT {

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ObjectMapper json = new ObjectMapper();

  @TempDir
  Path dir;

  @Test
  void prometheusScrapesTheAgentAndItsSeriesAreQueryable() throws Exception {
    Path prometheusBinary = RequiredBinary.find("prometheus", "prometheus");
    try (AgentProcess agent = startAgent()) {
      int agentPort = agent.awaitMetricsPort(Duration.ofSeconds(10));
      int prometheusPort = freePort();
      Path config = dir.resolve("prometheus.yml");
      Files.writeString(config, """
          global:
            scrape_interval: 1s
            scrape_timeout: 1s
          scrape_configs:
            - job_name: nodewatch
              static_configs:
                - targets: ["127.0.0.1:%d"]
          """.formatted(agentPort));
      Process prometheus = new ProcessBuilder(prometheusBinary.toString(),
          "--config.file=" + config,
          "--storage.tsdb.path=" + dir.resolve("tsdb"),
          "--web.listen-address=127.0.0.1:" + prometheusPort)
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("prometheus.log").toFile())
          .start();
      try {
        awaitReady(prometheusPort, prometheus);
        JsonNode up = awaitResult(prometheusPort, "up{job=\"nodewatch\"} == 1", Duration.ofSeconds(30));
        assertThat(up.path(0).path("metric").path("instance").asText()).isEqualTo("127.0.0.1:" + agentPort);

        JsonNode rss = awaitResult(prometheusPort, "process_resident_memory_bytes{job=\"nodewatch\"}",
            Duration.ofSeconds(10));
        double bytes = Double.parseDouble(rss.path(0).path("value").path(1).asText());
        assertThat(bytes).isBetween(16.0 * 1024 * 1024, 1024.0 * 1024 * 1024);
        assertThat(awaitResult(prometheusPort, "jvm_memory_used_bytes{job=\"nodewatch\",area=\"heap\"}",
            Duration.ofSeconds(10))).isNotEmpty();
        JsonNode health = awaitResult(prometheusPort, "scrape_samples_scraped{job=\"nodewatch\"}",
            Duration.ofSeconds(10));
        assertThat(Double.parseDouble(health.path(0).path("value").path(1).asText())).isGreaterThan(50);
      } finally {
        prometheus.destroy();
        if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
          prometheus.destroyForcibly();
        }
      }
      agent.terminate();
      assertThat(agent.awaitExit(Duration.ofSeconds(20))).isZero();
    }
  }

  /**
   * The agent's own metrics pass promtool's lint with no finding. (Host metrics keep node_exporter's names, some of
   * which promtool's lint dislikes, such as {@code node_memory_MemTotal_bytes}; NodeExporterParityIT checks that
   * they raise exactly the findings node_exporter's own output raises.)
   */
  @Test
  void promtoolCheckMetricsAcceptsTheAgentsOwnExposition() throws Exception {
    Path promtool = RequiredBinary.find("promtool", "prometheus");
    try (AgentProcess agent = startAgent("host:\n  collectors: []\n")) {
      int port = agent.awaitMetricsPort(Duration.ofSeconds(10));
      agent.awaitStatus(port, "/readyz", 200, Duration.ofSeconds(10));
      // Scrape once first so the HTTP server's own request metrics exist in the checked body.
      agent.get(port, "/metrics");
      Promtool.Result result = Promtool.checkMetrics(promtool, agent.get(port, "/metrics"), dir);
      assertThat(result.exitCode()).as("promtool check metrics said:\n" + result.output()).isZero();
      agent.terminate();
      assertThat(agent.awaitExit(Duration.ofSeconds(20))).isZero();
    }
  }

  private AgentProcess startAgent() throws IOException {
    return startAgent("");
  }

  private AgentProcess startAgent(String extraYaml) throws IOException {
    Path config = dir.resolve("nodewatch.yaml");
    Files.writeString(config, """
        data_dir: %s
        server:
          listen: 127.0.0.1:0
        debug:
          listen: ""
        """.formatted(dir.resolve("data")) + extraYaml);
    return AgentProcess.start(dir, "--config", config.toString());
  }

  private void awaitReady(int port, Process prometheus) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!prometheus.isAlive()) {
        throw new IllegalStateException("prometheus exited: " + Files.readString(dir.resolve("prometheus.log")));
      }
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready"))
            .build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // Prometheus has not bound its port yet.
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("prometheus not ready: " + Files.readString(dir.resolve("prometheus.log")));
  }

  private JsonNode awaitResult(int port, String query, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
          + URLEncoder.encode(query, StandardCharsets.UTF_8));
      last = json.readTree(http.send(HttpRequest.newBuilder(uri).build(),
          HttpResponse.BodyHandlers.ofString()).body());
      JsonNode result = last.path("data").path("result");
      if (result.size() > 0) {
        return result;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("no result for " + query + " within " + timeout + ", last answer: " + last);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}

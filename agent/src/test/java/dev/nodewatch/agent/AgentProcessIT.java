package dev.nodewatch.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built jar as users run it: {@code java -jar}, real ports, real signals. */
class AgentProcessIT {

  @TempDir
  Path dir;

  @Test
  void becomesReadyQuicklyAndStopsCleanlyOnSigterm() throws Exception {
    Path config = write("nodewatch.yaml", """
        data_dir: %s
        shutdown_delay: 2s
        shutdown_timeout: 10s
        server:
          listen: 127.0.0.1:0
        debug:
          listen: ""
        """.formatted(dir.resolve("data")));
    try (AgentProcess agent = AgentProcess.start(dir, "--config", config.toString())) {
      int port = agent.awaitMetricsPort(Duration.ofSeconds(10));
      agent.awaitStatus(port, "/readyz", 200, Duration.ofSeconds(10));
      assertThat(agent.get(port, "/metrics")).contains("process_resident_memory_bytes");

      long sentAt = System.nanoTime();
      agent.terminate();
      agent.awaitStatus(port, "/readyz", 503, Duration.ofSeconds(2));
      assertThat(agent.status(port, "/healthz")).isEqualTo(200);
      int exit = agent.awaitExit(Duration.ofSeconds(10));
      Duration took = Duration.ofNanos(System.nanoTime() - sentAt);

      assertThat(exit).as(agent.output()).isZero();
      assertThat(took).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(10));
      ObjectMapper json = new ObjectMapper();
      for (String line : agent.stdout()) {
        JsonNode event = json.readTree(line);
        assertThat(event.has("level") && event.has("formattedMessage")).as(line).isTrue();
      }
      assertThat(agent.stdout()).anyMatch(l -> l.contains("\"formattedMessage\":\"stopped\""));
    }
  }

  @Test
  void badConfigExitsWithStatusTwoNamingEveryProblemAndStartsNothing() throws Exception {
    Path config = write("bad.yaml", """
        server:
          listen: "9102"
        sinks:
          - name: central
            type: lokii
        """);
    try (AgentProcess agent = AgentProcess.start(dir, "--config", config.toString())) {
      assertThat(agent.awaitExit(Duration.ofSeconds(10))).isEqualTo(2);
      assertThat(String.join("\n", agent.stderr()))
          .contains("server.listen: not host:port, was \"9102\"")
          .contains("sinks[0].type: unknown sink \"lokii\"");
      assertThat(agent.stdout()).isEmpty();
    }
  }

  @Test
  void checkConfigPrintsTheEffectiveConfigurationWithSecretsRedacted() throws Exception {
    Path token = write("token", "do-not-print-me\n");
    Path config = write("ok.yaml", """
        kubelet:
          endpoint: https://127.0.0.1:10250
          token_file: %s
        """.formatted(token));
    try (AgentProcess agent = AgentProcess.start(dir, "--check-config", "--config", config.toString())) {
      assertThat(agent.awaitExit(Duration.ofSeconds(10))).as(agent.output()).isZero();
      String printed = String.join("\n", agent.stdout());
      assertThat(printed).contains("token_file: " + token).contains("max_bytes: 2GiB")
          .doesNotContain("do-not-print-me");
    }
  }

  @Test
  void embeddedDefaultIsValid() throws Exception {
    try (AgentProcess agent = AgentProcess.start(dir, "--check-config")) {
      assertThat(agent.awaitExit(Duration.ofSeconds(10))).as(agent.output()).isZero();
      assertThat(agent.stdout()).contains("data_dir: ./data", "  listen: 127.0.0.1:9103");
    }
  }

  @Test
  void versionAndHelpAnswerWithoutStarting() throws Exception {
    try (AgentProcess agent = AgentProcess.start(dir, "--version")) {
      assertThat(agent.awaitExit(Duration.ofSeconds(10))).isZero();
      assertThat(agent.stdout()).singleElement().asString().matches("nodewatch \\d+\\.\\d+\\.\\d+.*");
    }
    try (AgentProcess agent = AgentProcess.start(dir, "--bogus")) {
      assertThat(agent.awaitExit(Duration.ofSeconds(10))).isEqualTo(2);
      assertThat(agent.stderr()).contains("unknown argument: --bogus");
    }
  }

  private Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }
}

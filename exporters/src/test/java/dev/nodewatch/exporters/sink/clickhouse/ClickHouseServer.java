package dev.nodewatch.exporters.sink.clickhouse;

import dev.nodewatch.exporters.testing.RequiredBinary;
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

/**
 * A real ClickHouse server (Debian's {@code clickhouse-server}) for tests: its own configuration, data directory
 * and free ports under a directory of the test's, a user {@code nodewatch} with a password, and a way to stop it and
 * start it again on the same ports and data (an outage). Missing binary: skipped on a laptop, failed under CI.
 */
public final class ClickHouseServer implements AutoCloseable {

  public static final String USER = "nodewatch";
  public static final String PASSWORD = "ch-secret-4711";

  private final Path binary;
  private final Path dir;
  private final int httpPort;
  private final int tcpPort;
  private final HttpClient http = HttpClient.newHttpClient();
  private Process process;

  private ClickHouseServer(Path binary, Path dir, int httpPort, int tcpPort) {
    this.binary = binary;
    this.dir = dir;
    this.httpPort = httpPort;
    this.tcpPort = tcpPort;
  }

  /** Starts a server under {@code dir} and waits until it answers. */
  public static ClickHouseServer start(Path dir) throws Exception {
    Path binary = RequiredBinary.find("clickhouse-server", "clickhouse-server");
    Files.createDirectories(dir);
    ClickHouseServer server = new ClickHouseServer(binary, dir.toAbsolutePath(), freePort(), freePort());
    server.writeConfig();
    server.startProcess();
    return server;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private void writeConfig() throws IOException {
    Files.writeString(dir.resolve("config.xml"), """
        <?xml version="1.0"?>
        <yandex>
          <logger><level>warning</level><log>%1$s/server.log</log><errorlog>%1$s/error.log</errorlog>
            <console>0</console></logger>
          <listen_host>127.0.0.1</listen_host>
          <http_port>%2$d</http_port>
          <tcp_port>%3$d</tcp_port>
          <path>%1$s/data/</path>
          <tmp_path>%1$s/tmp/</tmp_path>
          <user_files_path>%1$s/user_files/</user_files_path>
          <format_schema_path>%1$s/format_schemas/</format_schema_path>
          <users_config>%1$s/users.xml</users_config>
          <default_profile>default</default_profile>
          <default_database>default</default_database>
          <mark_cache_size>5368709</mark_cache_size>
        </yandex>
        """.formatted(dir, httpPort, tcpPort));
    Files.writeString(dir.resolve("users.xml"), """
        <?xml version="1.0"?>
        <yandex>
          <profiles><default></default></profiles>
          <users>
            <default><password></password><networks><ip>127.0.0.1</ip></networks>
              <profile>default</profile><quota>default</quota></default>
            <%1$s><password>%2$s</password><networks><ip>127.0.0.1</ip></networks>
              <profile>default</profile><quota>default</quota></%1$s>
          </users>
          <quotas><default></default></quotas>
        </yandex>
        """.formatted(USER, PASSWORD));
  }

  private void startProcess() throws Exception {
    process = new ProcessBuilder(binary.toString(), "--config-file=" + dir.resolve("config.xml"))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile()))
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("clickhouse-server exited with " + process.exitValue() + ": "
            + Files.readString(dir.resolve("stdout.log")));
      }
      try {
        if (query("SELECT 1").strip().equals("1")) {
          return;
        }
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("clickhouse-server did not answer within 30 s; see " + dir);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + httpPort;
  }

  /** Runs a statement as the default user; the answer's text, or an IOException with ClickHouse's error. */
  public String query(String sql) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/?query="
            + URLEncoder.encode(sql, StandardCharsets.UTF_8)))
        .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException("HTTP " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  /** Kills the server (an outage); {@link #restart} brings it back with its data. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  public void restart() throws Exception {
    startProcess();
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}

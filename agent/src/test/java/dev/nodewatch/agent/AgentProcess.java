package dev.nodewatch.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built {@code nodewatch.jar} running as a child process with a plain {@code java -jar}, the way users and the
 * container image start it. Collects stdout and stderr lines and learns the bound ports from the start-up log.
 */
final class AgentProcess implements AutoCloseable {

  private static final Pattern DEBUG_PORT = Pattern.compile("serving /debug on .*:(\\d+)$");
  private static final Pattern METRICS_PORT = Pattern.compile("serving /metrics /healthz /readyz on .*:(\\d+)$");

  private final Process process;
  private final Path stdout;
  private final Path stderr;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private AgentProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** The jar Maven built in the package phase; failsafe passes its path. */
  static Path jar() {
    String path = System.getProperty("nodewatch.jar");
    if (path == null || !Files.isRegularFile(Path.of(path))) {
      throw new IllegalStateException("nodewatch.jar not built: run the tests with ./mvnw verify (was " + path + ")");
    }
    return Path.of(path);
  }

  static AgentProcess start(Path workDir, String... args) throws IOException {
    return start(List.of(), List.of(), workDir, args);
  }

  /**
   * @param prefix a command the JVM runs under, such as {@code setpriv --reuid=65534 ...}
   * @param jvmOptions more JVM options
   */
  static AgentProcess start(List<String> prefix, List<String> jvmOptions, Path workDir, String... args)
      throws IOException {
    List<String> command = new ArrayList<>(prefix);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-Xmx64m");
    command.add("-XX:+UseSerialGC");
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(List.of(args));
    // kept after the test (its TempDir is deleted): a failure in CI can be read from them afterwards
    Path logs = Files.createDirectories(Path.of("target", "agent-logs"));
    Path out = Files.createTempFile(logs, "agent", ".stdout");
    Path err = Files.createTempFile(logs, "agent", ".stderr");
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectOutput(out.toFile())
        .redirectError(err.toFile());
    return new AgentProcess(builder.start(), out, err);
  }

  /** Waits for the start-up log line naming the metrics port. */
  int awaitMetricsPort(Duration timeout) throws InterruptedException {
    return awaitPort(METRICS_PORT, timeout);
  }

  /** Waits for the start-up log line naming the debug listener's port (when the config enables it). */
  int awaitDebugPort(Duration timeout) throws InterruptedException {
    return awaitPort(DEBUG_PORT, timeout);
  }

  private int awaitPort(Pattern logged, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    ObjectMapper json = new ObjectMapper();
    while (System.nanoTime() < deadline) {
      for (String line : stdout()) {
        try {
          JsonNode event = json.readTree(line);
          Matcher m = logged.matcher(event.path("formattedMessage").asText());
          if (m.find()) {
            return Integer.parseInt(m.group(1));
          }
        } catch (IOException notJson) {
          // Tests that need every line to be JSON check that separately; here only the port matters.
        }
      }
      if (!process.isAlive()) {
        throw new IllegalStateException("agent exited with " + process.exitValue() + ": " + output());
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("no line matching " + logged + " logged within " + timeout + ": " + output());
  }

  /** Polls until {@code path} answers {@code status}; returns how long that took. */
  Duration awaitStatus(int port, String path, int status, Duration timeout) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (status(port, path) == status) {
        return Duration.ofNanos(System.nanoTime() - start);
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException(path + " did not answer " + status + " within " + timeout + ": " + output());
  }

  /** The HTTP status of a GET, or -1 when nothing listens. */
  int status(int port, String path) throws InterruptedException {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    }
  }

  String get(int port, String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** Sends SIGTERM, as the kubelet does. */
  void terminate() {
    process.destroy();
  }

  /** Waits for exit and returns the status. */
  int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("agent still running after " + timeout + ": " + output());
    }
    return process.exitValue();
  }

  long pid() {
    return process.pid();
  }

  List<String> stdout() {
    return lines(stdout);
  }

  List<String> stderr() {
    return lines(stderr);
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  String output() {
    return "\nstdout:\n" + String.join("\n", stdout()) + "\nstderr:\n" + String.join("\n", stderr());
  }

  /** The last {@code lines} lines of stdout and of stderr, and where the whole of them is kept. */
  String outputTail(int lines) {
    List<String> out = stdout();
    List<String> err = stderr();
    return "\nstdout (" + stdout.toAbsolutePath() + "), last lines:\n"
        + String.join("\n", out.subList(Math.max(0, out.size() - lines), out.size()))
        + "\nstderr (" + stderr.toAbsolutePath() + "), last lines:\n"
        + String.join("\n", err.subList(Math.max(0, err.size() - lines), err.size()));
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}

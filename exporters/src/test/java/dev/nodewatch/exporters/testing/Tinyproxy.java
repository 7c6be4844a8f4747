package dev.nodewatch.exporters.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** A real HTTP proxy (Debian's tinyproxy) on a free loopback port, forwarding plain requests and CONNECT tunnels. */
public final class Tinyproxy implements AutoCloseable {

  private final Process process;
  private final int port;
  private final Path log;

  private Tinyproxy(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  public static Tinyproxy start(Path dir) throws IOException, InterruptedException {
    Path binary = RequiredBinary.find("tinyproxy", "tinyproxy");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path log = dir.resolve("tinyproxy.log");
    // no ConnectPort line: CONNECT to any port (the test servers' are random)
    Path config = Files.writeString(dir.resolve("tinyproxy.conf"), """
        Port %d
        Listen 127.0.0.1
        Timeout 30
        LogFile "%s"
        LogLevel Connect
        MaxClients 20
        Allow 127.0.0.1
        DisableViaHeader No
        """.formatted(port, log));
    Process process = new ProcessBuilder(binary.toString(), "-d", "-c", config.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("tinyproxy.out").toFile()).start();
    Tinyproxy proxy = new Tinyproxy(process, port, log);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket probe = new Socket("127.0.0.1", port)) {
        return proxy;
      } catch (IOException notYet) {
        if (!process.isAlive()) {
          throw new IOException("tinyproxy exited: " + Files.readString(dir.resolve("tinyproxy.out")));
        }
        Thread.sleep(50);
      }
    }
    proxy.close();
    throw new IOException("tinyproxy did not listen on " + port + " within 10 s");
  }

  /** {@code http://127.0.0.1:port}, as {@code HTTPS_PROXY} would name it. */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** What tinyproxy logged so far (one line per connection it served). */
  public String log() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  @Override
  public void close() {
    process.destroy();
  }
}

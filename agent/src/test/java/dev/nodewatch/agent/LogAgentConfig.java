package dev.nodewatch.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The configuration file of an agent that only ships logs, as the log end-to-end tests run it: metrics on a free
 * loopback port, no debug listener, no container metrics, a quick rescan.
 */
final class LogAgentConfig {

  private LogAgentConfig() {}

  /**
   * @param links the directory of {@code *.log} symlinks to tail
   * @param sinks the items of the {@code sinks:} list, as YAML indented by two spaces
   */
  static Path write(Path file, Path dataDir, Path links, String sinks) throws IOException {
    return write(file, dataDir, links, sinks, "");
  }

  /** @param debugListen the debug listener's {@code host:port}, empty for none */
  static Path write(Path file, Path dataDir, Path links, String sinks, String debugListen) throws IOException {
    return Files.writeString(file, """
        data_dir: %s
        server:
          listen: 127.0.0.1:0
        debug:
          listen: "%s"
        containers:
          enabled: false
        logs:
          include: [%s/*.log]
          scan_interval: 200ms
        sinks:
        %s""".formatted(dataDir, debugListen, links, sinks));
  }
}

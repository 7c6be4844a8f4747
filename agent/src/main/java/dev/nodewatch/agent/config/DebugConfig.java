package dev.nodewatch.agent.config;

import dev.nodewatch.collectors.config.ConfigProblems;
import java.util.Optional;

/**
 * The debug listener (status page and {@code /debug/*}). Loopback by default because it shows file paths, pod
 * names and sink endpoints; reach it with {@code kubectl port-forward}. An empty {@code listen} disables it.
 */
public record DebugConfig(String listen) {

  public DebugConfig {
    listen = listen == null ? "127.0.0.1:9103" : listen.trim();
  }

  public static DebugConfig defaults() {
    return new DebugConfig(null);
  }

  public Optional<ListenAddress> address() {
    return listen.isEmpty() ? Optional.empty() : Optional.of(ListenAddress.parse(listen));
  }

  public void validate(String path, ConfigProblems problems) {
    try {
      address();
    } catch (IllegalArgumentException e) {
      problems.add(ConfigProblems.path(path, "listen"), e.getMessage() + " (or \"\" to disable)");
    }
  }
}

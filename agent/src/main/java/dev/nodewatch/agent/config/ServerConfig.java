package dev.nodewatch.agent.config;

import dev.nodewatch.collectors.config.ConfigProblems;

/** The public listener: {@code /metrics}, {@code /healthz}, {@code /readyz}. */
public record ServerConfig(String listen) {

  public ServerConfig {
    listen = listen == null ? "0.0.0.0:9102" : listen;
  }

  public static ServerConfig defaults() {
    return new ServerConfig(null);
  }

  public ListenAddress address() {
    return ListenAddress.parse(listen);
  }

  public void validate(String path, ConfigProblems problems) {
    try {
      address();
    } catch (IllegalArgumentException e) {
      problems.add(ConfigProblems.path(path, "listen"), e.getMessage());
    }
  }
}

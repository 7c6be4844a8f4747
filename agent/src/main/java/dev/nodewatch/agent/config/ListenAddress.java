package dev.nodewatch.agent.config;

/** A TCP address to listen on, written {@code host:port} ({@code [::1]:9103} for IPv6). */
public record ListenAddress(String host, int port) {

  /** Parses {@code host:port} or throws {@link IllegalArgumentException} with the message shown to the user. */
  public static ListenAddress parse(String text) {
    String problem = "not host:port, was \"" + text + "\"";
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException(problem);
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(problem, e);
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0-65535, was \"" + text + "\"");
    }
    if (host.isEmpty()) {
      throw new IllegalArgumentException(problem);
    }
    return new ListenAddress(host, port);
  }

  public boolean isLoopback() {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1");
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}

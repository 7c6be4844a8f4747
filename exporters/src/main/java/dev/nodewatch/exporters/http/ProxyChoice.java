package dev.nodewatch.exporters.http;

import io.vertx.core.net.ProxyOptions;
import io.vertx.core.net.ProxyType;
import java.net.URI;
import java.util.Locale;
import java.util.Map;

/**
 * The HTTP proxy an endpoint is reached through, from the environment as curl and Go read it: {@code HTTPS_PROXY}
 * for https endpoints, {@code HTTP_PROXY} for http ones (lower-case names too, upper-case first), none when
 * {@code NO_PROXY} lists the host. A {@code NO_PROXY} entry is {@code *}, a host name that matches itself and its
 * sub-domains (a leading dot is the same), or an exact address; an entry's {@code :port}, when given, must match
 * too. Address ranges (CIDR) are not read.
 */
public final class ProxyChoice {

  private ProxyChoice() {}

  /** The proxy for {@code endpoint}, or null to connect directly. */
  public static ProxyOptions forEndpoint(URI endpoint, Map<String, String> env) {
    boolean https = "https".equalsIgnoreCase(endpoint.getScheme());
    String proxy = https ? variable(env, "HTTPS_PROXY") : variable(env, "HTTP_PROXY");
    if (proxy == null || bypassed(endpoint, variable(env, "NO_PROXY"))) {
      return null;
    }
    URI uri = URI.create(proxy.contains("://") ? proxy : "http://" + proxy);
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("the proxy variable is not a URL: " + uri.getScheme() + "://…");
    }
    ProxyOptions options = new ProxyOptions().setType(ProxyType.HTTP).setHost(uri.getHost())
        .setPort(uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80);
    if (uri.getRawUserInfo() != null) {
      String[] user = uri.getUserInfo().split(":", 2);
      options.setUsername(user[0]).setPassword(user.length > 1 ? user[1] : "");
    }
    return options;
  }

  /** Where a proxy is, without its credentials, for a health check's answer. */
  public static String describe(ProxyOptions proxy) {
    return proxy == null ? "direct" : "through proxy " + proxy.getHost() + ":" + proxy.getPort();
  }

  private static String variable(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      value = env.get(name.toLowerCase(Locale.ROOT));
    }
    return value == null || value.isBlank() ? null : value.strip();
  }

  static boolean bypassed(URI endpoint, String noProxy) {
    if (noProxy == null) {
      return false;
    }
    String host = endpoint.getHost().toLowerCase(Locale.ROOT).replaceAll("^\\[|]$", "");
    int port = endpoint.getPort() > 0 ? endpoint.getPort() : "https".equalsIgnoreCase(endpoint.getScheme()) ? 443 : 80;
    for (String raw : noProxy.split(",")) {
      String entry = raw.strip().toLowerCase(Locale.ROOT);
      if (entry.isEmpty()) {
        continue;
      }
      if (entry.equals("*")) {
        return true;
      }
      int colon = entry.lastIndexOf(':');
      if (colon > 0 && entry.indexOf(':') == colon && entry.substring(colon + 1).matches("\\d+")) {
        if (Integer.parseInt(entry.substring(colon + 1)) != port) {
          continue;
        }
        entry = entry.substring(0, colon);
      }
      entry = entry.replaceAll("^\\*?\\.", "").replaceAll("^\\[|]$", "");
      if (host.equals(entry) || host.endsWith("." + entry)) {
        return true;
      }
    }
    return false;
  }
}

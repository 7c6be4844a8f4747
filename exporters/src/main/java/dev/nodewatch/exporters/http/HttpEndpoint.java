package dev.nodewatch.exporters.http;

import dev.nodewatch.collectors.config.ConfigProblems;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where an HTTP sink sends, and how: the settings every HTTP sink shares, made by each sink's options record from
 * its keys ({@code endpoint}, {@code tls}, {@code auth}, {@code headers}, {@code timeout}).
 *
 * @param url {@code http://host:port[/path]} or {@code https://…}, without credentials
 * @param headers sent with every request, after the transport's own
 * @param timeout for one request, connecting included
 */
public record HttpEndpoint(URI url, TlsOptions tls, AuthOptions auth, Map<String, String> headers, Duration timeout) {

  /** Headers the transport sets itself; {@code Authorization} comes from {@code auth}, whose secrets are files. */
  private static final Set<String> RESERVED = Set.of("authorization", "content-encoding", "content-length", "host",
      "transfer-encoding", "connection");

  public HttpEndpoint {
    tls = tls == null ? TlsOptions.DEFAULT : tls;
    auth = auth == null ? AuthOptions.NONE : auth;
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }

  /** The endpoint as a log line or a health answer may show it: scheme, host, port and path. */
  public String display() {
    return url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "") + url.getPath();
  }

  /** {@code endpoint} is an http(s) URL without credentials, query or fragment; {@code null} is "must be set". */
  public static URI parseUrl(String at, String endpoint, ConfigProblems problems) {
    if (endpoint == null || endpoint.isBlank()) {
      problems.add(at, "must be set (http://host:port or https://host:port)");
      return null;
    }
    URI uri;
    try {
      uri = URI.create(endpoint.strip());
    } catch (IllegalArgumentException e) {
      problems.add(at, "not a URL: " + (endpoint.contains("@") ? "(holds credentials; not shown)" : e.getMessage()));
      return null;
    }
    if (uri.getRawUserInfo() != null) {
      // not echoed: it would put the password in the agent's log
      problems.add(at, "must not hold credentials (user:password@): put them in the sink's password_file or "
          + "bearer_token_file");
      return null;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      problems.add(at, "must be http://host:port[/path] or https://host:port[/path], was \"" + endpoint + "\"");
      return null;
    }
    return uri;
  }

  /** Checks the parts of an endpoint its own record holds, at {@code at}'s keys. */
  public static void validate(String at, TlsOptions tls, AuthOptions auth, Map<String, String> headers,
      Duration timeout, ConfigProblems problems) {
    if (tls != null) {
      tls.validate(ConfigProblems.path(at, "tls"), problems);
    }
    if (auth != null) {
      auth.validate(ConfigProblems.path(at, "auth"), problems);
    }
    if (headers != null) {
      for (String name : headers.keySet()) {
        if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
          problems.add(ConfigProblems.path(at, "headers." + name), "is set by the sink itself"
              + (name.equalsIgnoreCase("authorization") ? " from auth, whose secrets come from files" : ""));
        } else if (!name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
          problems.add(ConfigProblems.path(at, "headers"), "not a header name: \"" + name + "\"");
        }
      }
    }
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      problems.add(ConfigProblems.path(at, "timeout"), "must be positive");
    }
  }
}

package dev.nodewatch.exporters.http;

import dev.nodewatch.collectors.config.ConfigProblems;
import dev.nodewatch.collectors.config.Secret;
import dev.nodewatch.exporters.forward.SinkException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * How an HTTP sink proves who it is: basic authentication ({@code username} with {@code password_file}), or a
 * bearer token ({@code bearer_token_file}), or neither. The secrets are read from their files for every request,
 * so a rotated Kubernetes Secret (or a projected service-account token) takes effect without a restart.
 */
public record AuthOptions(String username, Secret passwordFile, Secret bearerTokenFile) {

  public static final AuthOptions NONE = new AuthOptions(null, null, null);

  public static AuthOptions basic(String username, Secret passwordFile) {
    return new AuthOptions(username, passwordFile, null);
  }

  public void validate(String at, ConfigProblems problems) {
    if (bearerTokenFile != null && (username != null || passwordFile != null)) {
      problems.add(ConfigProblems.path(at, "bearer_token_file"), "set either bearer_token_file or "
          + "username/password_file, not both");
    }
    if (passwordFile != null && username == null) {
      problems.add(ConfigProblems.path(at, "username"), "must be set with password_file");
    }
    unreadable(ConfigProblems.path(at, "password_file"), passwordFile, problems);
    unreadable(ConfigProblems.path(at, "bearer_token_file"), bearerTokenFile, problems);
  }

  private static void unreadable(String at, Secret secret, ConfigProblems problems) {
    if (secret != null && secret.unreadableReason() != null) {
      problems.add(at, secret.unreadableReason());
    }
  }

  /** The credentials as they are now, read from their files; {@link Credentials#NONE} when none are set. */
  Credentials read() throws SinkException {
    if (bearerTokenFile != null) {
      String token = read(bearerTokenFile, "bearer_token_file");
      return new Credentials("Bearer " + token, List.of(token));
    }
    if (username != null) {
      String password = passwordFile == null ? "" : read(passwordFile, "password_file");
      String encoded = Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
      List<String> secrets = new ArrayList<>(List.of(encoded));
      if (!password.isEmpty()) {
        secrets.add(password);
      }
      return new Credentials("Basic " + encoded, secrets);
    }
    return Credentials.NONE;
  }

  private static String read(Secret secret, String key) throws SinkException {
    try {
      return secret.read();
    } catch (IOException e) {
      // the file's name, never its contents
      throw SinkException.retryable("credentials", "cannot read " + key + " " + secret.file() + ": "
          + e.getClass().getSimpleName(), e);
    }
  }

  /**
   * One request's {@code Authorization} header (null for none), and the secret strings an answer or an error must
   * never show.
   */
  record Credentials(String authorization, List<String> secrets) {
    static final Credentials NONE = new Credentials(null, List.of());

    /** {@code text} with every secret in it replaced. */
    String redact(String text) {
      String result = text;
      for (String secret : secrets) {
        if (secret.length() >= 4) { // a shorter one would blank out ordinary words
          result = result.replace(secret, "<redacted>");
        }
      }
      return result;
    }
  }
}

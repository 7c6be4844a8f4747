package dev.nodewatch.exporters.http;

import dev.nodewatch.collectors.config.ConfigProblems;
import dev.nodewatch.collectors.config.Secret;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code tls:} of an HTTP sink. Certificates are always verified: against {@code ca_file} when set, else against the
 * JVM's trusted roots; {@code verify_hostname: false} is for a server whose certificate names another host (an
 * address reached through a tunnel), never a way around an untrusted certificate.
 *
 * @param caFile PEM certificates to trust instead of the JVM's roots
 * @param certFile a PEM client certificate (chain), with {@code key_file}, for servers that ask for one
 * @param keyFile the client certificate's PEM private key (PKCS#8 or PKCS#1); read when the sink opens, so a renewed
 *     client certificate takes effect at the agent's next start
 * @param verifyHostname whether the certificate must name the endpoint's host (default true)
 */
public record TlsOptions(String caFile, String certFile, Secret keyFile, Boolean verifyHostname) {

  public static final TlsOptions DEFAULT = new TlsOptions(null, null, null, null);

  public TlsOptions {
    verifyHostname = verifyHostname == null ? Boolean.TRUE : verifyHostname;
  }

  public boolean hasClientCertificate() {
    return certFile != null;
  }

  public void validate(String at, ConfigProblems problems) {
    readable(ConfigProblems.path(at, "ca_file"), caFile, problems);
    readable(ConfigProblems.path(at, "cert_file"), certFile, problems);
    if (keyFile != null && keyFile.unreadableReason() != null) {
      problems.add(ConfigProblems.path(at, "key_file"), keyFile.unreadableReason());
    }
    if ((certFile == null) != (keyFile == null)) {
      problems.add(ConfigProblems.path(at, certFile == null ? "cert_file" : "key_file"),
          "must be set together with " + (certFile == null ? "key_file" : "cert_file"));
    }
  }

  private static void readable(String at, String file, ConfigProblems problems) {
    if (file != null && !Files.isReadable(Path.of(file))) {
      problems.add(at, "cannot read \"" + file + "\"");
    }
  }
}

package dev.nodewatch.exporters.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A private CA and certificates it signed, made with the {@code openssl} command (PEM files, EC P-256 keys): a
 * server certificate for {@code localhost} and 127.0.0.1, one for another host name, and a client certificate.
 */
public record TestCertificates(Path caCert, Path serverCert, Path serverKey, Path otherHostCert, Path otherHostKey,
    Path clientCert, Path clientKey) {

  public static TestCertificates make(Path dir) throws IOException, InterruptedException {
    Path openssl = RequiredBinary.find("openssl", "openssl");
    Path caKey = dir.resolve("ca.key");
    Path ca = dir.resolve("ca.pem");
    run(dir, openssl.toString(), "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", caKey.toString(), "-out", ca.toString(), "-days", "2", "-subj", "/CN=nodewatch-test-ca");
    signed(dir, openssl, ca, caKey, "server", "/CN=localhost", "subjectAltName=DNS:localhost,IP:127.0.0.1");
    signed(dir, openssl, ca, caKey, "other", "/CN=other.example", "subjectAltName=DNS:other.example");
    signed(dir, openssl, ca, caKey, "client", "/CN=nodewatch-agent", "extendedKeyUsage=clientAuth");
    return new TestCertificates(ca, dir.resolve("server.pem"), dir.resolve("server.key"), dir.resolve("other.pem"),
        dir.resolve("other.key"), dir.resolve("client.pem"), dir.resolve("client.key"));
  }

  private static void signed(Path dir, Path openssl, Path ca, Path caKey, String name, String subject,
      String extension) throws IOException, InterruptedException {
    Path key = dir.resolve(name + ".key");
    Path csr = dir.resolve(name + ".csr");
    Path ext = Files.writeString(dir.resolve(name + ".ext"), extension + "\n");
    run(dir, openssl.toString(), "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", key.toString(), "-out", csr.toString(), "-subj", subject);
    run(dir, openssl.toString(), "x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey",
        caKey.toString(), "-CAcreateserial", "-out", dir.resolve(name + ".pem").toString(), "-days", "2",
        "-extfile", ext.toString());
  }

  private static void run(Path dir, String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(new ArrayList<>(List.of(command))).directory(dir.toFile())
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (process.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + output);
    }
  }
}

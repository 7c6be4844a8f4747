package dev.nodewatch.exporters.sink.clickhouse;

import dev.nodewatch.collectors.config.ConfigProblems;
import dev.nodewatch.collectors.config.Secret;
import dev.nodewatch.exporters.forward.SinkOptions;
import dev.nodewatch.exporters.forward.SinkSettings;
import dev.nodewatch.exporters.http.AuthOptions;
import dev.nodewatch.exporters.http.Compression;
import dev.nodewatch.exporters.http.HttpEndpoint;
import dev.nodewatch.exporters.http.TlsOptions;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * {@code type: clickhouse}, over HTTP: {@code INSERT INTO <database>.<table> FORMAT JSONEachRow}, gzip-compressed.
 *
 * @param endpoint {@code http://host:8123} or {@code https://…}
 * @param username with {@code passwordFile}, sent as HTTP basic authentication; {@code default} when absent
 * @param createTable create the table when it is missing (default true)
 * @param compression {@code gzip} (default) or {@code none}
 * @param caFile the same as {@code tls.ca_file} (kept from before {@code tls:} existed)
 * @param tls CA, client certificate, host-name verification (see {@link TlsOptions})
 * @param headers sent with every request
 * @param timeout for one request (default 30 s)
 */
public record ClickHouseOptions(String endpoint, String database, String table, String username,
    Secret passwordFile, Boolean createTable, String compression, String caFile, TlsOptions tls,
    Map<String, String> headers, Duration timeout) implements SinkOptions {

  private static final String IDENTIFIER = "[a-zA-Z_][a-zA-Z0-9_]{0,127}";

  public ClickHouseOptions {
    database = database == null ? "default" : database;
    table = table == null ? "logs" : table;
    username = username == null ? "default" : username;
    createTable = createTable == null ? Boolean.TRUE : createTable;
    compression = compression == null ? "gzip" : compression;
    timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
  }

  /** The request body's compression (gzip, which every ClickHouse release reads, or none). */
  public Compression bodyCompression() {
    return Compression.named(compression, Compression.GZIP, Compression.NONE);
  }

  /** Where and how the sink sends (the options must have passed {@link #validate}). */
  public HttpEndpoint httpEndpoint() {
    TlsOptions trust = tls == null ? new TlsOptions(caFile, null, null, null)
        : caFile == null ? tls : new TlsOptions(caFile, tls.certFile(), tls.keyFile(), tls.verifyHostname());
    return new HttpEndpoint(URI.create(endpoint.strip()), trust, AuthOptions.basic(username, passwordFile), headers,
        timeout);
  }

  @Override
  public void validate(String at, SinkSettings settings, ConfigProblems problems) {
    URI url = HttpEndpoint.parseUrl(ConfigProblems.path(at, "endpoint"), endpoint, problems);
    if (url != null && url.getRawPath() != null && !url.getRawPath().isEmpty() && !url.getRawPath().equals("/")) {
      problems.add(ConfigProblems.path(at, "endpoint"), "must be http://host:port or https://host:port, was \""
          + endpoint + "\"");
    }
    if (!database.matches(IDENTIFIER)) {
      problems.add(ConfigProblems.path(at, "database"), "not a plain identifier: \"" + database + "\"");
    }
    if (!table.matches(IDENTIFIER)) {
      problems.add(ConfigProblems.path(at, "table"), "not a plain identifier: \"" + table + "\"");
    }
    if (passwordFile != null && passwordFile.unreadableReason() != null) {
      problems.add(ConfigProblems.path(at, "password_file"), passwordFile.unreadableReason());
    }
    if (bodyCompression() == null) {
      problems.add(ConfigProblems.path(at, "compression"), "must be gzip or none, was \"" + compression
          + "\"");
    }
    if (caFile != null && tls != null && tls.caFile() != null) {
      problems.add(ConfigProblems.path(at, "ca_file"), "set either ca_file or tls.ca_file, not both");
    } else if (caFile != null && !java.nio.file.Files.isReadable(java.nio.file.Path.of(caFile))) {
      problems.add(ConfigProblems.path(at, "ca_file"), "cannot read \"" + caFile + "\"");
    }
    HttpEndpoint.validate(at, tls, null, headers, timeout, problems);
  }
}

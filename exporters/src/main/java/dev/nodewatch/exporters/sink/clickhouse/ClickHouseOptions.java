package dev.nodewatch.exporters.sink.clickhouse;

import dev.nodewatch.collectors.config.ConfigProblems;
import dev.nodewatch.collectors.config.Secret;
import dev.nodewatch.exporters.forward.SinkOptions;
import dev.nodewatch.exporters.forward.SinkSettings;
import java.time.Duration;

/**
 * {@code type: clickhouse}, over HTTP: {@code INSERT INTO <database>.<table> FORMAT JSONEachRow}, gzip-compressed.
 *
 * @param endpoint {@code http://host:8123} or {@code https://…}
 * @param username with {@code passwordFile}, sent as HTTP basic authentication; {@code default} when absent
 * @param createTable create the table when it is missing (default true)
 * @param compression {@code gzip} (default) or {@code none}
 * @param caFile PEM certificates to trust for an https endpoint, instead of the JVM's; certificates and host
 *     names are always verified
 * @param timeout for one request (default 30 s)
 */
public record ClickHouseOptions(String endpoint, String database, String table, String username,
    Secret passwordFile, Boolean createTable, String compression, String caFile, Duration timeout)
    implements SinkOptions {

  private static final String IDENTIFIER = "[a-zA-Z_][a-zA-Z0-9_]{0,127}";

  public ClickHouseOptions {
    database = database == null ? "default" : database;
    table = table == null ? "logs" : table;
    username = username == null ? "default" : username;
    createTable = createTable == null ? Boolean.TRUE : createTable;
    compression = compression == null ? "gzip" : compression;
    timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
  }

  @Override
  public void validate(String at, SinkSettings settings, ConfigProblems problems) {
    if (endpoint != null && endpoint.contains("@")) {
      // not echoed: it would put the password in the agent's log
      problems.add(ConfigProblems.path(at, "endpoint"), "must not hold credentials (user:password@); use "
          + "username and password_file");
    } else if (endpoint == null || !endpoint.matches("https?://[^/?#\\s]+/?")) {
      problems.add(ConfigProblems.path(at, "endpoint"), "must be http://host:port or https://host:port, was "
          + (endpoint == null ? "not set" : "\"" + endpoint + "\""));
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
    if (!compression.equals("gzip") && !compression.equals("none")) {
      problems.add(ConfigProblems.path(at, "compression"), "must be gzip or none, was \"" + compression + "\"");
    }
    if (caFile != null && !java.nio.file.Files.isReadable(java.nio.file.Path.of(caFile))) {
      problems.add(ConfigProblems.path(at, "ca_file"), "cannot read " + caFile);
    }
    if (timeout.isNegative() || timeout.isZero()) {
      problems.add(ConfigProblems.path(at, "timeout"), "must be positive");
    }
  }
}

package dev.nodewatch.exporters.sink.clickhouse;

import dev.nodewatch.exporters.forward.SinkException;

/**
 * The table the sink writes, and its DDL (also in the README). Column types and settings are those ClickHouse
 * 18.16 knows, so one DDL serves it and current releases: {@code DateTime} plus {@code timestamp_ns} instead of
 * {@code DateTime64(9)}, {@code String} instead of {@code LowCardinality(String)} and {@code Map}. On servers that
 * know {@code non_replicated_deduplication_window}, the table keeps the last 1,000 insert tokens, so a batch sent
 * twice is inserted once.
 */
final class ClickHouseTable {

  /** Runs one statement on the server. */
  @FunctionalInterface
  interface Statements {
    String run(String sql) throws SinkException;
  }

  private final String database;
  private final String table;

  ClickHouseTable(String database, String table) {
    this.database = database;
    this.table = table;
  }

  /** Names are validated as plain identifiers in the configuration; quoted all the same. */
  String qualifiedName() {
    return "`" + database + "`.`" + table + "`";
  }

  String ddl(boolean deduplicationWindow) {
    return "CREATE TABLE IF NOT EXISTS " + qualifiedName() + " (\n"
        + "  timestamp DateTime,\n"
        + "  timestamp_ns UInt64,\n"
        + "  node String,\n"
        + "  namespace String,\n"
        + "  pod String,\n"
        + "  pod_uid String,\n"
        + "  container String,\n"
        + "  container_id String,\n"
        + "  restart_count Int32,\n"
        + "  stream String,\n"
        + "  message String,\n"
        + "  labels String,\n"
        + "  file String,\n"
        + "  offset UInt64,\n"
        + "  truncated UInt8,\n"
        + "  malformed UInt8\n"
        + ") ENGINE = MergeTree\n"
        + "PARTITION BY toDate(timestamp)\n"
        + "ORDER BY (namespace, pod, timestamp)"
        + (deduplicationWindow ? "\nSETTINGS non_replicated_deduplication_window = 1000" : "");
  }

  /** Columns without which a row is no log line: a table lacking one would take the rows and lose it. */
  static final java.util.List<String> REQUIRED = java.util.List.of("timestamp", "message");
  /** Every column the sink writes, in the order of {@link #ddl}. */
  static final java.util.List<String> COLUMNS = java.util.List.of("timestamp", "timestamp_ns", "node", "namespace",
      "pod", "pod_uid", "container", "container_id", "restart_count", "stream", "message", "labels", "file", "offset",
      "truncated", "malformed");

  /** The table's column names, one per line; nothing when it does not exist. */
  String columnsQuery() {
    return "SELECT name FROM system.columns WHERE database = '" + database + "' AND table = '" + table + "'";
  }

  /** Creates the database and table if missing. */
  void create(Statements server) throws SinkException {
    boolean window = !server.run("SELECT name FROM system.merge_tree_settings"
        + " WHERE name = 'non_replicated_deduplication_window'").isBlank();
    server.run("CREATE DATABASE IF NOT EXISTS `" + database + "`");
    server.run(ddl(window));
  }
}

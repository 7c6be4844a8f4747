package dev.nodewatch.exporters.forward;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.nodewatch.collectors.config.ConfigProblems;

/** One entry of {@code sinks:}, by its {@code type}. Each sink reads the queue through a reader of its own name. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type", visible = false)
@JsonSubTypes({
    @JsonSubTypes.Type(value = SinkConfig.File.class, name = "file"),
    @JsonSubTypes.Type(value = SinkConfig.Stdout.class, name = "stdout"),
    @JsonSubTypes.Type(value = SinkConfig.Kafka.class, name = "kafka"),
    @JsonSubTypes.Type(value = SinkConfig.ClickHouse.class, name = "clickhouse")})
public sealed interface SinkConfig {

  String name();

  BatchConfig batch();

  RetryConfig retry();

  /** Batches in flight at once (default 1); the queue is acknowledged in order all the same. */
  Integer concurrency();

  /** Which records this sink takes ({@code match:}); all when absent. */
  SinkFilter match();

  /** What a sink of this type checks beyond the keys every sink has. */
  void validateOwn(String path, ConfigProblems problems);

  default void validate(String path, ConfigProblems problems) {
    if (name() == null || name().isBlank()) {
      problems.add(ConfigProblems.path(path, "name"), "must be set");
    } else if (!name().matches("[a-zA-Z0-9_.-]{1,64}")) {
      problems.add(ConfigProblems.path(path, "name"), "use letters, digits, '.', '_' or '-' (it names the queue reader)");
    }
    batch().validate(ConfigProblems.path(path, "batch"), problems);
    retry().validate(ConfigProblems.path(path, "retry"), problems);
    if (concurrency() < 1 || concurrency() > 64) {
      problems.add(ConfigProblems.path(path, "concurrency"), "must be 1 to 64, was " + concurrency());
    }
    match().validate(ConfigProblems.path(path, "match"), problems);
    validateOwn(path, problems);
  }

  /** NDJSON appended to a local file. */
  record File(String name, String path, BatchConfig batch, RetryConfig retry, Integer concurrency,
      SinkFilter match) implements SinkConfig {
    public File {
      batch = batch == null ? BatchConfig.defaults() : batch;
      retry = retry == null ? RetryConfig.defaults() : retry;
      concurrency = concurrency == null ? 1 : concurrency;
      match = match == null ? SinkFilter.all() : match;
    }

    @Override
    public void validateOwn(String at, ConfigProblems problems) {
      if (path == null || path.isBlank()) {
        problems.add(ConfigProblems.path(at, "path"), "must be set");
      }
      if (concurrency != 1) {
        problems.add(ConfigProblems.path(at, "concurrency"), "must be 1 for a file sink (one writer per file)");
      }
    }
  }

  /** NDJSON on the agent's standard output. */
  record Stdout(String name, BatchConfig batch, RetryConfig retry, Integer concurrency, SinkFilter match) implements SinkConfig {
    public Stdout {
      batch = batch == null ? BatchConfig.defaults() : batch;
      retry = retry == null ? RetryConfig.defaults() : retry;
      concurrency = concurrency == null ? 1 : concurrency;
      match = match == null ? SinkFilter.all() : match;
    }

    @Override
    public void validateOwn(String at, ConfigProblems problems) {
      // nothing beyond the common keys
    }
  }

  /**
   * Kafka, through an idempotent producer ({@code acks=all}): one message per record, JSON, keyed by pod UID so a
   * pod's lines stay in order in one partition.
   *
   * @param topic a topic name, or a template with {@code {namespace}}, {@code {pod}}, {@code {container}} or
   *     {@code {node}} (e.g. {@code logs.{namespace}}); an empty value becomes {@code unknown}
   * @param compression {@code none} (default), {@code gzip}, {@code snappy}, {@code lz4} or {@code zstd}
   */
  record Kafka(String name, java.util.List<String> brokers, String topic, String compression, KafkaTls tls,
      KafkaSasl sasl, BatchConfig batch, RetryConfig retry, Integer concurrency, SinkFilter match)
      implements SinkConfig {

    static final java.util.Set<String> COMPRESSIONS = java.util.Set.of("none", "gzip", "snappy", "lz4", "zstd");

    public Kafka {
      brokers = brokers == null ? java.util.List.of() : java.util.List.copyOf(brokers);
      topic = topic == null ? "logs" : topic;
      compression = compression == null ? "none" : compression;
      batch = batch == null ? BatchConfig.defaults() : batch;
      retry = retry == null ? RetryConfig.defaults() : retry;
      concurrency = concurrency == null ? 1 : concurrency;
      match = match == null ? SinkFilter.all() : match;
    }

    @Override
    public void validateOwn(String at, ConfigProblems problems) {
      if (brokers.isEmpty()) {
        problems.add(ConfigProblems.path(at, "brokers"), "must list at least one host:port");
      }
      for (int i = 0; i < brokers.size(); i++) {
        if (!brokers.get(i).matches("[^:\\s]+:[0-9]{1,5}")) {
          problems.add(ConfigProblems.path(at, "brokers") + "[" + i + "]", "not host:port, was \"" + brokers.get(i)
              + "\"");
        }
      }
      String problem = TopicTemplate.problem(topic);
      if (problem != null) {
        problems.add(ConfigProblems.path(at, "topic"), problem);
      }
      if (!COMPRESSIONS.contains(compression)) {
        problems.add(ConfigProblems.path(at, "compression"), "unknown \"" + compression
            + "\" (known: none, gzip, snappy, lz4, zstd)");
      }
      if (sasl != null) {
        sasl.validate(ConfigProblems.path(at, "sasl"), problems);
      }
      if (tls != null) {
        tls.validate(ConfigProblems.path(at, "tls"), problems);
      }
    }
  }

  /**
   * ClickHouse over HTTP: {@code INSERT INTO <database>.<table> FORMAT JSONEachRow}, gzip-compressed.
   *
   * @param endpoint {@code http://host:8123} or {@code https://…}
   * @param username with {@code passwordFile}, sent as HTTP basic authentication; {@code default} when absent
   * @param createTable create the table when it is missing (default true)
   * @param compression {@code gzip} (default) or {@code none}
   * @param caFile PEM certificates to trust for an https endpoint, instead of the JVM's; certificates and host
   *     names are always verified
   * @param timeout for one request (default 30 s)
   */
  record ClickHouse(String name, String endpoint, String database, String table, String username,
      dev.nodewatch.collectors.config.Secret passwordFile, Boolean createTable, String compression, String caFile,
      java.time.Duration timeout, BatchConfig batch, RetryConfig retry, Integer concurrency, SinkFilter match)
      implements SinkConfig {

    private static final String IDENTIFIER = "[a-zA-Z_][a-zA-Z0-9_]{0,127}";

    public ClickHouse {
      database = database == null ? "default" : database;
      table = table == null ? "logs" : table;
      username = username == null ? "default" : username;
      createTable = createTable == null ? Boolean.TRUE : createTable;
      compression = compression == null ? "gzip" : compression;
      timeout = timeout == null ? java.time.Duration.ofSeconds(30) : timeout;
      batch = batch == null ? BatchConfig.defaults() : batch;
      retry = retry == null ? RetryConfig.defaults() : retry;
      concurrency = concurrency == null ? 1 : concurrency;
      match = match == null ? SinkFilter.all() : match;
    }

    @Override
    public void validateOwn(String at, ConfigProblems problems) {
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

  /**
   * TLS to the brokers, certificates as PEM files. The brokers' certificates are always verified against
   * {@code caFile} (or the JVM's trust store); their host names too unless {@code verifyHostname} is false.
   */
  record KafkaTls(Boolean enabled, String caFile, String certFile, dev.nodewatch.collectors.config.Secret keyFile,
      Boolean verifyHostname) {
    public KafkaTls {
      enabled = enabled == null ? Boolean.TRUE : enabled;
      verifyHostname = verifyHostname == null ? Boolean.TRUE : verifyHostname;
    }

    void validate(String at, ConfigProblems problems) {
      if ((certFile == null) != (keyFile == null)) {
        problems.add(at, "cert_file and key_file go together");
      }
      if (keyFile != null && keyFile.unreadableReason() != null) {
        problems.add(ConfigProblems.path(at, "key_file"), keyFile.unreadableReason());
      }
    }
  }

  /** SASL authentication: {@code PLAIN}, {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}; the password from a file. */
  record KafkaSasl(String mechanism, String username, dev.nodewatch.collectors.config.Secret passwordFile) {
    static final java.util.Set<String> MECHANISMS = java.util.Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

    void validate(String at, ConfigProblems problems) {
      if (mechanism == null || !MECHANISMS.contains(mechanism)) {
        problems.add(ConfigProblems.path(at, "mechanism"), "must be PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512");
      }
      if (username == null || username.isBlank()) {
        problems.add(ConfigProblems.path(at, "username"), "must be set");
      }
      if (passwordFile == null) {
        problems.add(ConfigProblems.path(at, "password_file"), "must be set");
      } else if (passwordFile.unreadableReason() != null) {
        problems.add(ConfigProblems.path(at, "password_file"), passwordFile.unreadableReason());
      }
    }
  }
}

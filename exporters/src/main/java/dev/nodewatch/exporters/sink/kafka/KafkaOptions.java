package dev.nodewatch.exporters.sink.kafka;

import dev.nodewatch.collectors.config.ConfigProblems;
import dev.nodewatch.exporters.forward.SinkOptions;
import dev.nodewatch.exporters.forward.SinkSettings;
import dev.nodewatch.exporters.forward.TopicTemplate;
import java.util.List;
import java.util.Set;

/**
 * {@code type: kafka}, through an idempotent producer ({@code acks=all}): one message per record, JSON, keyed by
 * pod UID so a pod's lines stay in order in one partition.
 *
 * @param topic a topic name, or a template with {@code {namespace}}, {@code {pod}}, {@code {container}} or
 *     {@code {node}} (e.g. {@code logs.{namespace}}); an empty value becomes {@code unknown}
 * @param compression {@code none} (default), {@code gzip}, {@code snappy}, {@code lz4} or {@code zstd}
 */
public record KafkaOptions(List<String> brokers, String topic, String compression, KafkaTls tls, KafkaSasl sasl)
    implements SinkOptions {

  static final Set<String> COMPRESSIONS = Set.of("none", "gzip", "snappy", "lz4", "zstd");

  public KafkaOptions {
    brokers = brokers == null ? List.of() : List.copyOf(brokers);
    topic = topic == null ? "logs" : topic;
    compression = compression == null ? "none" : compression;
  }

  @Override
  public void validate(String at, SinkSettings settings, ConfigProblems problems) {
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

  /**
   * TLS to the brokers, certificates as PEM files. The brokers' certificates are always verified against
   * {@code caFile} (or the JVM's trust store); their host names too unless {@code verifyHostname} is false.
   */
  public record KafkaTls(Boolean enabled, String caFile, String certFile,
      dev.nodewatch.collectors.config.Secret keyFile, Boolean verifyHostname) {
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
  public record KafkaSasl(String mechanism, String username, dev.nodewatch.collectors.config.Secret passwordFile) {
    static final Set<String> MECHANISMS = Set.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

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

package dev.nodewatch.exporters.sink.kafka;

import java.io.IOException;
import java.util.Properties;

/** The producer settings for a {@code type: kafka} sink; secrets are read from their files here, never logged. */
final class KafkaProducerSettings {

  private KafkaProducerSettings() {}

  static Properties of(String name, KafkaOptions config) throws IOException {
    Properties p = connection(name, config);
    p.put("enable.idempotence", "true");
    p.put("acks", "all");
    // ordering per partition holds with idempotence for up to 5 requests in flight
    p.put("max.in.flight.requests.per.connection", "5");
    p.put("compression.type", config.compression());
    p.put("linger.ms", "5");
    // The producer keeps every batch buffer it has made (batch.size each, pooled for reuse) up to buffer.memory,
    // in the old generation for good, and a 10,000-record batch sent ahead of the broker fills that: 8 MiB of
    // 256 KiB buffers held 5-6 MiB more heap at full speed than 2 MiB. 128 KiB batches are as fast as 256 KiB ones
    // to one partition (64 KiB ones were 10% slower) and make 16 buffers, each partition being written holding one.
    p.put("batch.size", String.valueOf(128 * 1024));
    // what the producer may hold unsent: the queue on disk is the buffer, not the heap (default 32 MiB)
    p.put("buffer.memory", String.valueOf(2 * 1024 * 1024));
    // the pipeline retries a refused batch for as long as it takes; the producer gives up on one after this
    p.put("delivery.timeout.ms", "30000");
    p.put("request.timeout.ms", "15000");
    // how long send() may block for a topic's metadata (or buffer space): a broker refusing the credentials
    // leaves the producer waiting for metadata that never comes, silently, for the default 60 s per attempt
    p.put("max.block.ms", "10000");
    return p;
  }

  /** For the health check's admin client: the same brokers and security, and short timeouts. */
  static Properties admin(String name, KafkaOptions config) throws IOException {
    Properties p = connection(name, config);
    p.put("request.timeout.ms", "5000");
    p.put("default.api.timeout.ms", "5000");
    return p;
  }

  /** Where the brokers are and how to talk to them. */
  private static Properties connection(String name, KafkaOptions config) throws IOException {
    Properties p = new Properties();
    p.put("bootstrap.servers", String.join(",", config.brokers()));
    p.put("client.id", "nodewatch-" + name);
    String protocol = "PLAINTEXT";
    if (config.tls() != null && config.tls().enabled()) {
      protocol = "SSL";
      KafkaOptions.KafkaTls tls = config.tls();
      if (tls.caFile() != null) {
        p.put("ssl.truststore.type", "PEM");
        p.put("ssl.truststore.location", tls.caFile());
      }
      if (tls.certFile() != null) {
        p.put("ssl.keystore.type", "PEM");
        p.put("ssl.keystore.certificate.chain", java.nio.file.Files.readString(java.nio.file.Path.of(tls.certFile())));
        p.put("ssl.keystore.key", tls.keyFile().read());
      }
      if (!tls.verifyHostname()) {
        p.put("ssl.endpoint.identification.algorithm", "");
      }
    }
    if (config.sasl() != null) {
      protocol = protocol.equals("SSL") ? "SASL_SSL" : "SASL_PLAINTEXT";
      KafkaOptions.KafkaSasl sasl = config.sasl();
      String module = sasl.mechanism().equals("PLAIN")
          ? "org.apache.kafka.common.security.plain.PlainLoginModule"
          : "org.apache.kafka.common.security.scram.ScramLoginModule";
      p.put("sasl.mechanism", sasl.mechanism());
      // a Password-typed setting: the client prints it as [hidden]
      p.put("sasl.jaas.config", module + " required username=\"" + escape(sasl.username()) + "\" password=\""
          + escape(sasl.passwordFile().read()) + "\";");
    }
    p.put("security.protocol", protocol);
    return p;
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}

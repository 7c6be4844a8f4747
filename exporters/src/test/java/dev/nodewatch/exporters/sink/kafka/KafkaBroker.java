package dev.nodewatch.exporters.sink.kafka;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real one-node Kafka (KRaft, broker and controller in one) in the test JVM, on free loopback ports, its log in
 * a test directory. Not a mock: the producer talks the Kafka protocol to the same server code a cluster runs.
 */
public final class KafkaBroker implements AutoCloseable {

  /** The user and password the SASL_PLAINTEXT listener takes (PLAIN). */
  public static final String SASL_USER = "agent";
  public static final String SASL_PASSWORD = "right-password";

  private final Properties props;
  private final int port;
  private final int saslPort;
  private final Path logDir;
  private KafkaRaftServer server;

  private KafkaBroker(Properties props, int port, int saslPort, Path logDir) {
    this.props = props;
    this.port = port;
    this.saslPort = saslPort;
    this.logDir = logDir;
  }

  public static KafkaBroker start(Path dir) throws Exception {
    int port = freePort();
    int saslPort = freePort();
    int controllerPort = freePort();
    String logDir = dir.resolve("kafka-logs").toString();
    Properties props = new Properties();
    props.put("process.roles", "broker,controller");
    props.put("node.id", "1");
    props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort
        + ",CONTROLLER://127.0.0.1:" + controllerPort);
    props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port + ",SASL_PLAINTEXT://127.0.0.1:" + saslPort);
    props.put("controller.listener.names", "CONTROLLER");
    props.put("listener.security.protocol.map",
        "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
    props.put("sasl.enabled.mechanisms", "PLAIN");
    props.put("listener.name.sasl_plaintext.plain.sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + SASL_USER
            + "\" password=\"" + SASL_PASSWORD + "\" user_" + SASL_USER + "=\"" + SASL_PASSWORD + "\";");
    props.put("inter.broker.listener.name", "PLAINTEXT");
    props.put("log.dirs", logDir);
    props.put("num.partitions", "3");
    props.put("auto.create.topics.enable", "true");
    props.put("offsets.topic.replication.factor", "1");
    props.put("transaction.state.log.replication.factor", "1");
    props.put("transaction.state.log.min.isr", "1");
    props.put("group.initial.rebalance.delay.ms", "0");
    props.put("log.flush.interval.messages", "1");
    new Formatter()
        .setClusterId(Uuid.randomUuid().toString())
        .setNodeId(1)
        .setDirectories(List.of(logDir))
        .setMetadataLogDirectory(logDir)
        .setControllerListenerName("CONTROLLER")
        .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
        .setPrintStream(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
        .run();
    KafkaBroker broker = new KafkaBroker(props, port, saslPort, Path.of(logDir));
    broker.startAgain();
    return broker;
  }

  /** Starts the broker again after {@link #stop}, on the same ports and log. */
  public void startAgain() {
    server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
    server.startup();
  }

  /** Shuts the broker down (connections refused) until {@link #startAgain}. */
  public void stop() {
    server.shutdown();
    server.awaitShutdown();
  }

  public String bootstrap() {
    return "127.0.0.1:" + port;
  }

  /** The listener that asks for SASL PLAIN ({@link #SASL_USER}, {@link #SASL_PASSWORD}). */
  public String saslBootstrap() {
    return "127.0.0.1:" + saslPort;
  }

  /** The log directory: each partition's segments, as the broker stored the producer's batches. */
  public Path logDir() {
    return logDir;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    stop();
  }
}

package dev.nodewatch.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodewatch.collectors.config.ByteSize;
import dev.nodewatch.collectors.config.ConfigProblems.Problem;
import dev.nodewatch.collectors.logs.LogFormat;
import dev.nodewatch.collectors.queue.WhenFull;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {

  private final ConfigLoader loader = new ConfigLoader(Map.of("NODE_NAME", "node-a", "EMPTY", ""), () -> "host-x");

  static Stream<Arguments> badConfigs() {
    return Stream.of(
        Arguments.of("server:\n  listen: \"9102\"\n", "server.listen", "not host:port, was \"9102\""),
        Arguments.of("server:\n  listen: localhost:99999\n", "server.listen",
            "port must be 0-65535, was \"localhost:99999\""),
        Arguments.of("debug:\n  listen: nowhere\n", "debug.listen",
            "not host:port, was \"nowhere\" (or \"\" to disable)"),
        Arguments.of("sinks:\n  - name: a\n    type: lokii\n", "sinks[0].type",
            "unknown sink \"lokii\" (known: clickhouse, file, kafka, loki, stdout)"),
        Arguments.of("servr:\n  listen: 0.0.0.0:1\n", "servr",
            "unknown key (known: containers, data_dir, debug, host, kubelet, log_level, logs, node_name, queue, "
                + "server, shutdown_delay, shutdown_timeout, sinks)"),
        Arguments.of("server:\n  lisen: 0.0.0.0:1\n", "server.lisen", "unknown key (known: listen)"),
        Arguments.of("queue:\n  max_bytes: 2 gigs\n", "queue.max_bytes",
            "not a size, was \"2 gigs\" (use a number of bytes or a unit: KiB, MiB, GiB, KB, MB, GB)"),
        Arguments.of("queue:\n  max_bytes: 1MiB\n", "queue.max_bytes", "must be at least 16MiB, was 1MiB"),
        Arguments.of("queue:\n  when_full: drop\n", "queue.when_full",
            "unknown value \"drop\" (known: block, drop_newest)"),
        Arguments.of("shutdown_timeout: soon\n", "shutdown_timeout",
            "must be a duration, was \"soon\""),
        Arguments.of("shutdown_timeout: 5\n", "shutdown_timeout",
            "must be a duration, was \"5\""),
        Arguments.of("log_level: loud\n", "log_level",
            "unknown level \"loud\" (known: trace, debug, info, warn, error)"),
        Arguments.of("logs:\n  format: json\n", "logs.format", "unknown value \"json\" (known: auto, cri, docker, plain)"),
        Arguments.of("logs:\n  include: [var/log/*.log]\n", "logs.include[0]",
            "must be an absolute path, was \"var/log/*.log\""),
        Arguments.of("host:\n  collectors: [cpu, gpu]\n", "host.collectors[1]",
            "unknown collector \"gpu\" (known: arp, conntrack, cpu, diskstats, entropy, filefd, filesystem, hwmon, "
                + "loadavg, meminfo, netclass, netdev, netstat, os, pressure, schedstat, sockstat, softnet, stat, "
                + "textfile, thermal_zone, time, timex, udp_queues, uname, vmstat)"),
        Arguments.of("host:\n  collectors: [cpu, cpu]\n", "host.collectors[1]", "\"cpu\" is listed twice"),
        Arguments.of("host:\n  filesystem:\n    fs_types_exclude: \"^(ext4\"\n", "host.filesystem.fs_types_exclude",
            "not a regular expression (Unclosed group), was \"^(ext4\""),
        Arguments.of("containers:\n  enabled: maybe\n", "containers.enabled", "must be true or false, was \"maybe\""),
        Arguments.of("server: 5\n", "server", "must be a mapping, was a number"),
        Arguments.of("server:\n  listen: [a, b]\n", "server.listen", "must be a string, was a list"),
        Arguments.of("node_name: ${MISSING_VAR}\n", "node_name",
            "environment variable MISSING_VAR is not set (write ${MISSING_VAR:-default} to allow that)"),
        Arguments.of("server:\n  listen: 0.0.0.0:1\nserver:\n  listen: 0.0.0.0:2\n", "",
            "not valid YAML at line 3, column 7: Duplicate field 'server'"),
        Arguments.of("- just\n- a list\n", "", "the configuration must be a YAML mapping, was array"));
  }

  @ParameterizedTest(name = "{1}: {2}")
  @MethodSource("badConfigs")
  void badConfigNamesThePathAndTheProblem(String yaml, String path, String message) {
    assertThatThrownBy(() -> loader.parse(yaml, "test.yaml"))
        .isInstanceOfSatisfying(ConfigException.class, e ->
            assertThat(e.problems()).containsExactly(new Problem(path, message)));
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    String yaml = """
        server:
          listen: "9102"
        sinks:
          - name: a
            type: lokii
        queue:
          when_full: sometimes
        typo: 1
        """;
    assertThatThrownBy(() -> loader.parse(yaml, "test.yaml"))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.problems()).extracting(Problem::path)
              .containsExactlyInAnyOrder("server.listen", "sinks[0].type", "queue.when_full", "typo");
          assertThat(e.getMessage()).startsWith("invalid configuration test.yaml:\n  ")
              .contains("server.listen: not host:port, was \"9102\"");
        });
  }

  @Test
  void embeddedDefaultValidatesAndNeedsNoCluster() throws Exception {
    AgentConfig config = loader.loadEmbeddedDefault();
    assertThat(config.nodeName()).isEqualTo("node-a");
    assertThat(config.dataDir()).isEqualTo("./data");
    assertThat(config.server().address()).isEqualTo(new ListenAddress("0.0.0.0", 9102));
    assertThat(config.debug().address()).contains(new ListenAddress("127.0.0.1", 9103));
    assertThat(config.kubelet().enabled()).isFalse();
    assertThat(config.sinks()).isEmpty();
    assertThat(config.queue().maxBytes()).isEqualTo(ByteSize.parse("2GiB"));
  }

  @Test
  void emptyFileMeansAllDefaultsAndTheHostName() throws Exception {
    AgentConfig config = loader.parse("", "empty.yaml");
    assertThat(config.nodeName()).isEqualTo("host-x");
    assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(config.logs().format()).isEqualTo(LogFormat.AUTO);
    assertThat(config.logs().maxLineBytes().bytes()).isEqualTo(256 * 1024);
    assertThat(config.queue().whenFull()).isEqualTo(WhenFull.BLOCK);
    assertThat(config.debug().address()).isPresent();
  }

  @Test
  void environmentVariablesAreSubstitutedWithDefaults() throws Exception {
    String yaml = """
        node_name: ${NODE_NAME}
        data_dir: ${DATA_DIR:-/var/lib/nw}
        server:
          listen: ${EMPTY:-127.0.0.1}:${PORT:-9999}
        logs:
          include: ["/logs/$${literal}/*.log"]
        """;
    AgentConfig config = loader.parse(yaml, "env.yaml");
    assertThat(config.nodeName()).isEqualTo("node-a");
    assertThat(config.dataDir()).isEqualTo("/var/lib/nw");
    assertThat(config.server().address()).isEqualTo(new ListenAddress("127.0.0.1", 9999));
    assertThat(config.logs().include()).containsExactly("/logs/${literal}/*.log");
  }

  @Test
  void sizesAndDurationsParseWithUnits() throws Exception {
    AgentConfig config = loader.parse("""
        shutdown_timeout: 1m30s
        shutdown_delay: 250ms
        queue:
          max_bytes: 64MiB
        logs:
          max_line_bytes: 16384
        debug:
          listen: ""
        """, "units.yaml");
    assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(config.shutdownDelay()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.queue().maxBytes().bytes()).isEqualTo(64L << 20);
    assertThat(config.logs().maxLineBytes().bytes()).isEqualTo(16384);
    assertThat(config.debug().address()).isEmpty();
  }

  @Test
  void kubeletCertificatesAreVerifiedUnlessSkippingIsAskedFor(@TempDir Path dir) throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "t\n");
    String yaml = "kubelet:\n  endpoint: https://10.0.0.1:10250\n  token_file: " + token + "\n";
    assertThat(loader.parse(yaml, "verify.yaml").kubelet().insecureSkipVerify()).isFalse();
    assertThat(loader.parse(yaml + "  insecure_skip_verify: true\n", "skip.yaml").kubelet().insecureSkipVerify())
        .isTrue();
    assertThatThrownBy(() -> loader.parse(yaml + "  insecure_skip_verify: maybe\n", "bad.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kubelet.insecure_skip_verify");
  }

  @Test
  void secretContentsNeverAppearInErrorsOrTheEffectiveConfig(@TempDir Path dir) throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, "s3cr3t-token-value\n");
    String yaml = "kubelet:\n  endpoint: https://10.0.0.1:10250\n  token_file: " + token + "\n";
    AgentConfig config = loader.parse(yaml, "secret.yaml");
    assertThat(config.kubelet().tokenFile().read()).isEqualTo("s3cr3t-token-value");

    String printedYaml = ConfigMapper.yaml().writeValueAsString(config);
    String printedJson = ConfigMapper.json().writeValueAsString(config);
    assertThat(printedYaml).contains("token_file: " + token).doesNotContain("s3cr3t");
    assertThat(printedJson).doesNotContain("s3cr3t");
    assertThat(config.toString()).doesNotContain("s3cr3t");

    String broken = yaml + "server:\n  listen: nope\n";
    assertThatThrownBy(() -> loader.parse(broken, "secret.yaml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageNotContaining("s3cr3t");
  }

  @Test
  void missingSecretFileIsReportedByPathOnly(@TempDir Path dir) {
    Path missing = dir.resolve("nope");
    String yaml = "kubelet:\n  endpoint: https://10.0.0.1:10250\n  token_file: " + missing + "\n";
    assertThatThrownBy(() -> loader.parse(yaml, "secret.yaml"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
            .containsExactly(new Problem("kubelet.token_file", "cannot read \"" + missing + "\": no such file")));
  }

  @Test
  void effectiveConfigRoundTrips() throws Exception {
    AgentConfig config = loader.loadEmbeddedDefault();
    String printed = ConfigMapper.yaml().writeValueAsString(config);
    assertThat(loader.parse(printed, "printed.yaml")).isEqualTo(config);
  }

  @Test
  void unreadableFileIsAProblemNotACrash(@TempDir Path dir) {
    assertThatThrownBy(() -> loader.load(dir.resolve("absent.yaml")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).hasSize(1)
            .first().extracting(Problem::message).asString().startsWith("cannot read "));
  }

  @Test
  void problemsInsideListsAndUnsetSecretsAreEachReported(@TempDir Path dir) {
    Path missing = dir.resolve("token");
    String yaml = "kubelet:\n  endpoint: kubelet:10250\n  token_file: " + missing + "\n"
        + "sinks:\n  - type: file\n  - type: loki\n  - name: x\n    type: stdout\n    batchh: {}\n"
        + "  - name: k\n    type: kafka\n    brokers: [kafka]\n    topic: logs.{namespaces}\n    compression: brotli\n";
    assertThatThrownBy(() -> loader.parse(yaml, "test.yaml"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
            new Problem("kubelet.endpoint", "must be an http(s) URL, was \"kubelet:10250\""),
            new Problem("kubelet.token_file", "cannot read \"" + missing + "\": no such file"),
            new Problem("sinks[0].name", "must be set"),
            new Problem("sinks[0].path", "must be set"),
            new Problem("sinks[1].name", "must be set"),
            new Problem("sinks[1].endpoint", "must be set (http://host:port or https://host:port)"),
            new Problem("sinks[2].batchh", "unknown key (known: batch, concurrency, match, name, retry, type)"),
            new Problem("sinks[3].brokers[0]", "not host:port, was \"kafka\""),
            new Problem("sinks[3].topic",
                "unknown placeholder {namespaces} (known: {namespace}, {pod}, {container}, {node})"),
            new Problem("sinks[3].compression", "unknown \"brotli\" (known: none, gzip, snappy, lz4, zstd)")));
  }

  @Test
  void clickHouseFiltersAndConcurrencyAreValidatedWithTheirPaths(@TempDir Path dir) {
    Path missing = dir.resolve("password");
    String yaml = "sinks:\n"
        + "  - name: ch\n    type: clickhouse\n    endpoint: clickhouse:8123/db\n    table: \"logs; DROP\"\n"
        + "    password_file: " + missing + "\n    compression: zstd\n    concurrency: 0\n"
        + "    match:\n      namespaces: [\"shop-[\"]\n      labels: {app: \"{web\"}\n"
        + "  - name: f\n    type: file\n    path: /tmp/x\n    concurrency: 2\n    batch: {max_bytes: 10B}\n";
    assertThatThrownBy(() -> loader.parse(yaml, "test.yaml"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
            .extracting(Problem::path).containsExactly("sinks[0].concurrency", "sinks[0].match.namespaces",
                "sinks[0].match.labels.app", "sinks[0].endpoint", "sinks[0].table", "sinks[0].password_file",
                "sinks[0].compression", "sinks[1].batch.max_bytes", "sinks[1].concurrency"));
  }

  @Test
  void sinksPrintFlatAsTheyAreWrittenAndReadBackTheSame(@TempDir Path dir) throws Exception {
    Path password = java.nio.file.Files.writeString(dir.resolve("password"), "s3cr3t\n");
    String yaml = "sinks:\n"
        + "  - name: k\n    type: kafka\n    brokers: [kafka:9092]\n    topic: logs.{namespace}\n"
        + "    tls: {ca_file: /etc/ca.pem}\n    batch: {max_events: 500}\n    concurrency: 2\n"
        + "  - name: ch\n    type: clickhouse\n    endpoint: https://clickhouse:8443\n    password_file: " + password
        + "\n    timeout: 5s\n    match: {namespaces: [shop]}\n"
        + "  - name: out\n    type: stdout\n";
    AgentConfig config = loader.parse(yaml, "test.yaml");
    assertThat(config.sinks()).extracting(s -> s.type()).containsExactly("kafka", "clickhouse", "stdout");
    assertThat(config.sinks().get(0).batch().maxEvents()).isEqualTo(500);
    assertThat(config.sinks().get(0).concurrency()).isEqualTo(2);
    String printed = ConfigMapper.yaml().writeValueAsString(config);
    assertThat(printed).contains("type: kafka", "topic: \"logs.{namespace}\"", "endpoint: https://clickhouse:8443")
        .doesNotContain("settings:", "options:", "s3cr3t");
    assertThat(loader.parse(printed, "printed.yaml")).isEqualTo(config);
  }

  @Test
  void aKeyUnknownInsideASinksMappingIsReportedAtItsPath() {
    String yaml = "sinks:\n  - name: k\n    type: kafka\n    brokers: [kafka:9092]\n    tls: {ca_fil: /x}\n"
        + "    batch: {max_event: 5}\n";
    assertThatThrownBy(() -> loader.parse(yaml, "test.yaml"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).extracting(Problem::path)
            .containsExactlyInAnyOrder("sinks[0].tls.ca_fil", "sinks[0].batch.max_event"));
  }

  @Test
  void credentialsInAClickHouseEndpointAreRefusedWithoutRepeatingThem() {
    String yaml = "sinks:\n  - name: ch\n    type: clickhouse\n    endpoint: http://admin:s3cr3t@clickhouse:8123\n";
    assertThatThrownBy(() -> loader.parse(yaml, "test.yaml"))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.problems()).extracting(Problem::path).containsExactly("sinks[0].endpoint");
          assertThat(e.problems().get(0).message()).contains("password_file").doesNotContain("s3cr3t");
          assertThat(e.getMessage()).doesNotContain("s3cr3t");
        });
  }
}

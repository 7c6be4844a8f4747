package dev.nodewatch.exporters.sink.loki;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.config.ByteSize;
import dev.nodewatch.collectors.config.ConfigProblems;
import dev.nodewatch.collectors.config.Secret;
import dev.nodewatch.collectors.queue.FileIdentity;
import dev.nodewatch.collectors.queue.LogQueue;
import dev.nodewatch.collectors.queue.LogSource;
import dev.nodewatch.collectors.queue.QueueConfig;
import dev.nodewatch.collectors.queue.WhenFull;
import dev.nodewatch.exporters.forward.SinkConfig;
import dev.nodewatch.exporters.forward.SinkSettings;
import dev.nodewatch.exporters.http.AuthOptions;
import dev.nodewatch.exporters.sink.HttpSinkComplianceTest;
import dev.nodewatch.exporters.testing.FaultyFront;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Loki sink against a receiver that decodes every push with the generated {@code PushRequest} classes and
 * stores entries as Loki does ({@link LokiReceiver}; no Loki can be installed on the test machines): the compliance
 * suite every HTTP sink passes, through the fault-injecting front, and what is Loki's own.
 */
class LokiSinkTest extends HttpSinkComplianceTest {

  private static final String USER = "nodewatch";
  private static final String PASSWORD = "loki-password";
  private static final long T0 = 1_764_064_800_000_000_000L;

  private static LokiReceiver loki;
  private Path passwordFile;

  @BeforeAll
  static void startLoki() throws Exception {
    loki = LokiReceiver.start(vertx);
    loki.requireBasicAuth(USER, PASSWORD);
  }

  @AfterAll
  static void stopLoki() throws Exception {
    loki.close();
  }

  @BeforeEach
  void forgetEarlierTests() throws Exception {
    loki.clear();
    passwordFile = Files.writeString(complianceDir.resolve("password"), PASSWORD + "\n");
  }

  // ---- the compliance suite's hooks

  @Override
  protected URI upstream() {
    return loki.url();
  }

  @Override
  protected SinkConfig config(String target, SinkSettings settings, String endpoint) {
    return new SinkConfig("loki", settings, options(endpoint, null, target, passwordFile));
  }

  private static LokiOptions options(String endpoint, String encoding, String tenant, Path password) {
    return new LokiOptions(endpoint, encoding, null, tenant, null,
        AuthOptions.basic(USER, Secret.fromPath(password.toString())), null, null, TIMEOUT);
  }

  @Override
  protected String contentEncoding() {
    return "snappy";
  }

  @Override
  protected LokiSink open(SinkConfig config) {
    return new LokiSink(vertx, (LokiOptions) config.options(), config.settings().batch().maxBytes().bytes(),
        Map.of());
  }

  @Override
  protected List<String> delivered(SinkConfig config) {
    String tenant = ((LokiOptions) config.options()).tenantId();
    return loki.stored().stream().filter(e -> tenant.equals(e.tenant())).map(LokiReceiver.Entry::line).toList();
  }

  @Override
  protected String refuseForGood(SinkConfig config) {
    loki.refuse(POISON);
    return "Max entry size";
  }

  @Override
  protected SinkConfig withSecret(SinkConfig config, Path secretFile) {
    LokiOptions options = (LokiOptions) config.options();
    return new SinkConfig(config.type(), config.settings(),
        options(options.endpoint(), options.encoding(), options.tenantId(), secretFile));
  }

  // ---- Loki's own

  /** A pod with 40 labels, its container restarted twice. */
  private static LogSource cart() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app", "web");
    labels.put("app.kubernetes.io/name", "cart");
    labels.put("pod-template-hash", "7d4b9c");
    for (int i = 0; i < 37; i++) {
      labels.put("team" + i, "value-" + i);
    }
    return new LogSource(new FileIdentity(1, 42, 0, 0),
        "/var/log/pods/shop_cart-0_9f1c2d3e-0000-4000-8000-000000000001/app/2.log", "shop", "cart-0",
        "9f1c2d3e-0000-4000-8000-000000000001", "app", "containerd://0123456789abcdef", 2, labels);
  }

  @ParameterizedTest
  @ValueSource(strings = {"protobuf", "json"})
  void everyLineArrivesWithItsStreamLabelsAndStructuredMetadata(String encoding) throws Exception {
    String big = "x".repeat(262_143) + "é" + "y".repeat(300 * 1024 - 262_145); // é straddles the 256 KiB cut
    LogQueue.Batch batch = queue.batch(cart());
    batch.add(T0 + 2, false, false, false, 200, "second in time, first in the file");
    batch.add(T0 + 1, true, false, false, 100, "first in time");
    batch.add(T0 + 3, false, false, false, 300, big);
    batch.add(T0 + 4, false, false, false, 400, "");
    batch.add(T0 + 5, false, false, true, 500, "bad \uFFFD byte");
    queue.append(batch, 600);
    SinkConfig config = new SinkConfig("loki", settings(1_000),
        options(front.url(), encoding, "shop-tenant", passwordFile));
    start(config);
    await(() -> loki.stored().size() == 5, "five entries stored");

    LokiReceiver.Push push = loki.pushes().get(0);
    assertThat(push.tenant()).isEqualTo("shop-tenant");
    assertThat(push.contentType()).isEqualTo(encoding.equals("json") ? "application/json" : "application/x-protobuf");
    assertThat(push.contentEncoding()).isEqualTo(encoding.equals("json") ? "gzip" : "snappy");
    List<LokiReceiver.Entry> entries = push.entries();
    assertThat(entries).extracting(LokiReceiver.Entry::timestampNanos)
        .containsExactly(T0 + 1, T0 + 2, T0 + 3, T0 + 4, T0 + 5);
    assertThat(entries).allSatisfy(entry -> assertThat(entry.labels()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "namespace", "shop", "pod", "cart-0", "container", "app", "node", "node-c", "app", "web")));

    Map<String, String> first = entries.get(0).metadata();
    assertThat(entries.get(0).line()).isEqualTo("first in time");
    assertThat(first).containsEntry("pod_uid", "9f1c2d3e-0000-4000-8000-000000000001")
        .containsEntry("container_id", "containerd://0123456789abcdef")
        .containsEntry("file", "/var/log/pods/shop_cart-0_9f1c2d3e-0000-4000-8000-000000000001/app/2.log")
        .containsEntry("stream", "stderr").containsEntry("offset", "100")
        .containsEntry("app_kubernetes_io_name", "cart").containsEntry("pod_template_hash", "7d4b9c")
        .containsEntry("team0", "value-0").containsEntry("team36", "value-36")
        .doesNotContainKeys("app", "truncated", "malformed");
    assertThat(first).hasSize(5 + 39);
    assertThat(entries.get(1).metadata()).containsEntry("stream", "stdout").containsEntry("offset", "200");

    String cut = entries.get(2).line();
    assertThat(cut.getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSize(262_143);
    assertThat(big).startsWith(cut);
    assertThat(entries.get(2).metadata()).containsEntry("truncated", "true").containsEntry("offset", "300");
    assertThat(entries.get(3).line()).isEmpty();
    assertThat(entries.get(3).metadata()).containsEntry("offset", "400");
    assertThat(entries.get(4).line()).isEqualTo("bad \uFFFD byte");
    assertThat(entries.get(4).metadata()).containsEntry("malformed", "true");
  }

  @Test
  void aTenantTemplateSendsEachTenantItsOwnPush() throws Exception {
    for (String namespace : List.of("shop", "pay", "shop")) {
      LogQueue.Batch batch = queue.batch(new LogSource(new FileIdentity(1, namespace.hashCode(), 0, 0),
          "/var/log/pods/" + namespace + "_api-0_uid/api/0.log", namespace, "api-0", "uid-" + namespace, "api",
          "containerd://" + namespace, 0, Map.of()));
      for (int i = 0; i < 10; i++) {
        batch.add(T0 + i, false, false, false, i * 10L, namespace + " line " + i);
      }
      queue.append(batch, 100);
    }
    SinkConfig config = new SinkConfig("loki", settings(1_000),
        options(front.url(), null, "{namespace}", passwordFile));
    start(config);
    await(() -> queue.reader(config.name()).lagDocuments() == 0, "acknowledged");
    assertThat(loki.pushes()).isNotEmpty().allSatisfy(push -> assertThat(push.entries())
        .allSatisfy(entry -> assertThat(entry.labels()).containsEntry("namespace", push.tenant())));
    Set<String> tenants = loki.pushes().stream().map(LokiReceiver.Push::tenant).collect(Collectors.toSet());
    assertThat(tenants).containsExactlyInAnyOrder("shop", "pay");
    // the two documents of shop have the same lines: Loki keeps each once
    assertThat(loki.stored()).hasSize(20);
  }

  @Test
  void aBatchSentAgainAfterARestartCarriesExactlyTheSameEntries() throws Exception {
    write(3, 400, null);
    SinkConfig config = config(target(), settings(1_000));
    front.hangNext(1); // the first push is received and never answered
    start(config);
    await(() -> !front.deliveries().isEmpty(), "the first push sent");
    pipeline.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(loki.stored()).isEmpty();

    // the agent again, on the queue it left: the batch it sent was never acknowledged
    queue.close();
    queue = LogQueue.open(complianceDir.resolve("queue"), new QueueConfig(ByteSize.parse("64MiB"), WhenFull.BLOCK),
        "node-c", 4 << 20);
    start(config);
    await(() -> queue.reader(config.name()).lagDocuments() == 0, "acknowledged after the restart");
    FaultyFront.Seen lost = front.deliveries().get(0);
    List<LokiReceiver.Entry> firstSending = LokiReceiver.decode(lost.headers().get("X-Scope-OrgID"),
        lost.headers().get("Content-Type"), lost.headers().get("Content-Encoding"), lost.raw().getBytes());
    assertThat(firstSending).hasSizeGreaterThan(0);
    // every push, before the restart and after, that begins with the same entry is the same push, entry for entry
    Map<LokiReceiver.Entry, List<List<LokiReceiver.Entry>>> sendings = new LinkedHashMap<>();
    sendings.computeIfAbsent(firstSending.get(0), e -> new java.util.ArrayList<>()).add(firstSending);
    for (LokiReceiver.Push push : loki.pushes()) {
      sendings.computeIfAbsent(push.entries().get(0), e -> new java.util.ArrayList<>()).add(push.entries());
    }
    assertThat(sendings.get(firstSending.get(0))).as("the lost push, sent again").hasSizeGreaterThanOrEqualTo(2);
    sendings.values().forEach(same -> assertThat(same).allSatisfy(
        sending -> assertThat(sending).containsExactlyElementsOf(same.get(0))));
    assertOnce(delivered(config), 3, 400);
  }

  @Test
  void aLargeBatchGoesInPushesOfAtMostTwoThousandEntries() throws Exception {
    write(1, 5_000, null);
    SinkConfig config = config(target(), settings(10_000));
    start(config);
    await(() -> queue.reader(config.name()).lagDocuments() == 0, "acknowledged");
    assertThat(loki.pushes()).extracting(push -> push.entries().size()).containsExactly(2_000, 2_000, 1_000);
    assertOnce(delivered(config), 1, 5_000);
  }

  @Test
  void invalidOptionsAreNamedAtTheirPath() {
    LokiOptions options = new LokiOptions("loki:3100", "xml", List.of("namespace", "podd", "pod_label:"),
        "{tenant}", null, null, null, null, null);
    ConfigProblems problems = new ConfigProblems();
    options.validate("sinks[0]", settings(10), problems);
    assertThat(problems.all()).extracting(ConfigProblems.Problem::path).contains("sinks[0].endpoint",
        "sinks[0].encoding", "sinks[0].labels[1]", "sinks[0].labels[2]", "sinks[0].tenant_id");
  }

  @Test
  void podLabelKeysBecomeLokiLabelNames() {
    assertThat(LokiStreams.labelName("app.kubernetes.io/name")).isEqualTo("app_kubernetes_io_name");
    assertThat(LokiStreams.labelName("1st")).isEqualTo("_1st");
    assertThat(LokiStreams.text(new java.util.TreeMap<>(Map.of("b", "say \"hi\"\n", "a", "x\\y"))))
        .isEqualTo("{a=\"x\\\\y\", b=\"say \\\"hi\\\"\\n\"}");
    assertThat(new HashSet<>(LokiStreams.FIELDS)).contains("namespace", "pod", "container", "node");
  }
}

package dev.nodewatch.collectors.kube;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.nodewatch.collectors.cgroup.ContainerCgroup;
import dev.nodewatch.collectors.cgroup.ContainerLabels;
import dev.nodewatch.collectors.cgroup.PodContainerIdentity;
import dev.nodewatch.collectors.config.Secret;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PfxOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Against a real local HTTPS "kubelet" whose certificate is made with keytool for each test. */
class KubeletPodsTest {

  private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.secret-test-token-5f2a";
  private static final String WEB_UID = "4c1d0c2e-9b7a-4f3e-8e2a-0d5f1b2c3a4d";
  private static final String NGINX_ID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  @TempDir
  Path dir;

  private final Vertx vertx = Vertx.vertx();
  private final AtomicInteger podRequests = new AtomicInteger();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger(KubeletPods.class);
  private Path tokenFile;
  private Path caFile;
  private int port;

  @BeforeEach
  void startKubelet() throws Exception {
    caFile = certificate("kubelet", "127.0.0.1", "ip:127.0.0.1");
    tokenFile = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    port = startKubelet("kubelet");
    logs.start();
    logger.addAppender(logs);
  }

  /** Serves {@code testdata/kube/pods.json} with the certificate in {@code <alias>.p12}; returns the port. */
  private int startKubelet(String alias) throws Exception {
    byte[] pods = Files.readAllBytes(Path.of("testdata", "kube", "pods.json"));
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setSsl(true).setHost("127.0.0.1")
        .setKeyCertOptions(new PfxOptions().setPath(dir.resolve(alias + ".p12").toString()).setPassword("changeit")))
        .requestHandler(request -> {
          if (!request.path().equals("/pods")) {
            request.response().setStatusCode(404).end();
          } else if (!("Bearer " + TOKEN).equals(request.getHeader("Authorization"))) {
            request.response().setStatusCode(401).end("Unauthorized");
          } else {
            podRequests.incrementAndGet();
            request.response().putHeader("Content-Type", "application/json").end(Buffer.buffer(pods));
          }
        });
    return await(server.listen(0)).actualPort();
  }

  @AfterEach
  void theTokenIsNeverLoggedAndVertxStops() throws Exception {
    logger.detachAppender(logs);
    assertThat(logs.list).allSatisfy(event -> {
      assertThat(event.getFormattedMessage()).doesNotContain(TOKEN);
      assertThat(event.getThrowableProxy()).isNull();
    });
    await(vertx.close());
  }

  @Test
  void labelsAndImagesAreResolvedByPodUid() throws Exception {
    KubeletPods pods = kubeletPods(endpoint(), tokenFile, caFile);
    PodMetadata web = await(pods.lookup(WEB_UID)).orElseThrow();
    assertThat(web.labels()).containsEntry("app.kubernetes.io/name", "web");
    assertThat(web.container("nginx").orElseThrow().image()).isEqualTo("nginx:1.27.2");
    assertThat(pods.failures()).isZero();
  }

  @Test
  void containersDirectoryPathsAreResolvedByContainerId() throws Exception {
    KubeletPods pods = kubeletPods(endpoint(), tokenFile, caFile);
    PodLogPath path = PodLogPath.parse("/var/log/containers/web-7d9f8b6c5d-x2x4z_shop_nginx-" + NGINX_ID + ".log")
        .orElseThrow();
    PodMetadata web = await(pods.lookup(path));
    assertThat(web.uid()).isEqualTo(WEB_UID);
    assertThat(web.labels()).isNotEmpty();
  }

  @Test
  void anUnknownUidTriggersExactlyOneRefreshWithinTheInterval() throws Exception {
    KubeletPods pods = kubeletPods(endpoint(), tokenFile, caFile);
    assertThat(await(pods.lookup(WEB_UID))).isPresent();
    assertThat(podRequests).hasValue(1);
    assertThat(await(pods.lookup(WEB_UID))).isPresent();
    assertThat(podRequests).as("a hit is answered from the cache").hasValue(1);

    List<Future<Optional<PodMetadata>>> unknown = List.of(pods.lookup("no-such-uid"),
        pods.lookup("no-such-uid"), pods.lookup("other-unknown"));
    for (Future<Optional<PodMetadata>> lookup : unknown) {
      assertThat(await(lookup)).isEmpty();
    }
    assertThat(await(pods.lookup("no-such-uid"))).isEmpty();
    assertThat(podRequests).as("misses within 30 s are not refreshed again").hasValue(1);
    assertThat(pods.refreshes()).isEqualTo(1);
  }

  @Test
  void aWrongCaFailsVerificationIsCountedAndFallsBackToThePath() throws Exception {
    Path otherCa = certificate("impostor", "127.0.0.1", "ip:127.0.0.1");
    KubeletPods pods = kubeletPods(endpoint(), tokenFile, otherCa);
    PodLogPath path = PodLogPath.parse("/var/log/pods/shop_web-7d9f8b6c5d-x2x4z_" + WEB_UID + "/nginx/2.log")
        .orElseThrow();
    PodMetadata fallback = await(pods.lookup(path));
    assertThat(fallback).isEqualTo(PodMetadata.fromPath(path));
    assertThat(fallback.labels()).isEmpty();
    assertThat(pods.failures()).isEqualTo(1);
    assertThat(podRequests).hasValue(0);
    assertThat(logs.list).hasSize(1);
    assertThat(logs.list.get(0).getFormattedMessage()).contains("SSLHandshakeException");
  }

  @Test
  void aTrustedCertificateForAnotherHostFailsHostNameVerification() throws Exception {
    Path otherHostCa = certificate("other-host", "kubelet.other-node.invalid", "dns:kubelet.other-node.invalid");
    int otherPort = startKubelet("other-host");
    KubeletPods pods = kubeletPods("https://127.0.0.1:" + otherPort, tokenFile, otherHostCa);
    assertThat(await(pods.lookup(WEB_UID))).isEmpty();
    assertThat(pods.failures()).isEqualTo(1);
    assertThat(podRequests).hasValue(0);
  }

  /**
   * A kubelet with a self-signed certificate for its host name (kubeadm's default), reached at the node's IP: only
   * with {@code insecure_skip_verify} are its pods listed, and the agent says at start that it is not checking.
   */
  @Test
  void skippingVerificationAcceptsAnUntrustedCertificateForAnotherHostAndSaysSo() throws Exception {
    certificate("self-signed", "node-1", "dns:node-1");
    int selfSignedPort = startKubelet("self-signed");
    String endpoint = "https://127.0.0.1:" + selfSignedPort;
    KubeletPods pods = new KubeletPods(vertx, new KubeletConfig(endpoint, new Secret(tokenFile),
        dir.resolve("no-such-ca.pem").toString(), null, null, true), Duration.ofSeconds(30), Clock.systemUTC());
    await(pods.start());
    PodMetadata web = await(pods.lookup(WEB_UID)).orElseThrow();
    assertThat(web.container("nginx").orElseThrow().image()).isEqualTo("nginx:1.27.2");
    assertThat(pods.failures()).isZero();
    assertThat(podRequests).hasValue(1);
    assertThat(logs.list).singleElement().satisfies(event -> {
      assertThat(event.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
      assertThat(event.getFormattedMessage()).contains("insecure_skip_verify", endpoint);
    });

    KubeletPods verifying = kubeletPods(endpoint, tokenFile, caFile);
    assertThat(await(verifying.lookup(WEB_UID))).isEmpty();
    assertThat(verifying.failures()).isEqualTo(1);
    assertThat(podRequests).hasValue(1);
  }

  @Test
  void anUnreachableKubeletIsCountedLoggedOncePerIntervalAndFallsBackToThePath() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    MutableClock clock = new MutableClock();
    KubeletPods pods = new KubeletPods(vertx, config("https://127.0.0.1:" + closed, tokenFile, caFile),
        Duration.ofSeconds(30), clock);
    PodLogPath path = PodLogPath.parse("/var/log/pods/shop_web-0_" + WEB_UID + "/nginx/0.log").orElseThrow();

    assertThat(await(pods.lookup(path))).isEqualTo(PodMetadata.fromPath(path));
    assertThat(await(pods.lookup(path))).isEqualTo(PodMetadata.fromPath(path));
    assertThat(pods.refreshes()).as("no retry within the interval").isEqualTo(1);
    assertThat(pods.failures()).isEqualTo(1);
    assertThat(logs.list).hasSize(1);
    assertThat(logs.list.get(0).getFormattedMessage()).contains("127.0.0.1:" + closed);

    clock.advance(Duration.ofSeconds(30));
    assertThat(await(pods.lookup(path))).isEqualTo(PodMetadata.fromPath(path));
    assertThat(pods.failures()).isEqualTo(2);
    assertThat(logs.list).hasSize(2);
  }

  @Test
  void startSucceedsWithTheKubeletDownAndStopIsIdempotent() throws Exception {
    KubeletPods pods = kubeletPods("https://127.0.0.1:1", tokenFile, caFile);
    await(pods.start());
    assertThat(pods.failures()).isEqualTo(1);
    await(pods.stop());
    await(pods.stop());
    await(new KubeletPods(vertx, KubeletConfig.defaults()).stop());
  }

  @Test
  void startFillsTheCacheSoTheFirstLookupNeedsNoRequest() throws Exception {
    KubeletPods pods = kubeletPods(endpoint(), tokenFile, caFile);
    await(pods.start());
    assertThat(podRequests).hasValue(1);
    assertThat(await(pods.lookup(WEB_UID))).isPresent();
    assertThat(podRequests).hasValue(1);
    await(pods.stop());
  }

  @Test
  void aWrongTokenIsRejectedCountedAndNeverLogged() throws Exception {
    Path wrongToken = Files.writeString(dir.resolve("wrong-token"), "wrong-" + TOKEN);
    KubeletPods pods = kubeletPods(endpoint(), wrongToken, caFile);
    assertThat(await(pods.lookup(WEB_UID))).isEmpty();
    assertThat(pods.failures()).isEqualTo(1);
    assertThat(logs.list).hasSize(1);
    ILoggingEvent event = logs.list.get(0);
    assertThat(event.getFormattedMessage()).contains("HTTP 401").doesNotContain(TOKEN);
    assertThat(event.getThrowableProxy()).isNull();
  }

  @Test
  void aDisabledKubeletAnswersFromThePathWithoutRequests() throws Exception {
    KubeletPods pods = new KubeletPods(vertx, KubeletConfig.defaults());
    PodLogPath path = PodLogPath.parse("/var/log/pods/shop_web-0_" + WEB_UID + "/nginx/0.log").orElseThrow();
    assertThat(await(pods.lookup(path))).isEqualTo(PodMetadata.fromPath(path));
    assertThat(pods.refreshes()).isZero();
    assertThat(pods.failures()).isZero();
  }

  /** Cgroup naming for container metrics: the kubelet first, the pod sandbox as "POD", one request per new id. */
  @Test
  void cgroupsAreNamedFromTheKubeletAndTheSandboxAsksOnlyOnce() throws Exception {
    KubeletPods pods = kubeletPods(endpoint(), tokenFile, caFile);
    String sandboxId = "5".repeat(64);
    PodContainerIdentity identity = new PodContainerIdentity(pods,
        new LogPathIndex(dir.resolve("no-logs"), Duration.ofSeconds(30), System::nanoTime), Duration.ofSeconds(5),
        c -> c.containerId().equals(sandboxId));
    ContainerCgroup pod = new ContainerCgroup(WEB_UID, null, null, Path.of("kubepods/pod" + WEB_UID));
    ContainerCgroup nginx = new ContainerCgroup(WEB_UID, NGINX_ID, "containerd", Path.of("kubepods/pod" + WEB_UID,
        NGINX_ID));
    ContainerCgroup sandbox = new ContainerCgroup(WEB_UID, sandboxId, "containerd", Path.of("kubepods/pod" + WEB_UID,
        sandboxId));
    List<ContainerCgroup> cgroups = List.of(pod, nginx, sandbox);

    identity.prepare(cgroups);
    assertThat(identity.labels(pod)).isEqualTo(new ContainerLabels("", "", "shop", "web-7d9f8b6c5d-x2x4z", ""));
    assertThat(identity.labels(nginx)).isEqualTo(new ContainerLabels(NGINX_ID,
        await(pods.lookup(WEB_UID)).orElseThrow().container("nginx").orElseThrow().image(), "shop",
        "web-7d9f8b6c5d-x2x4z", "nginx"));
    assertThat(identity.labels(sandbox)).isEqualTo(new ContainerLabels(sandboxId, "", "shop", "web-7d9f8b6c5d-x2x4z",
        "POD"));
    identity.finish();
    assertThat(identity.namedBy(PodContainerIdentity.Source.KUBELET)).isEqualTo(3);
    assertThat(podRequests).hasValue(1);

    identity.prepare(cgroups);
    identity.finish();
    assertThat(podRequests).as("the sandbox is never asked about").hasValue(1);
  }

  @Test
  void aContainerTheKubeletHasNotReportedYetIsAskedAboutAgainAfterTheInterval() throws Exception {
    MutableClock clock = new MutableClock();
    KubeletPods pods = new KubeletPods(vertx, config(endpoint(), tokenFile, caFile), Duration.ofSeconds(30), clock);
    PodContainerIdentity identity = new PodContainerIdentity(pods,
        new LogPathIndex(dir.resolve("no-logs"), Duration.ofSeconds(30), System::nanoTime), Duration.ofSeconds(5),
        c -> false);
    // a restarted nginx: a new id the pod status does not show yet
    String restarted = "7".repeat(64);
    ContainerCgroup fresh = new ContainerCgroup(WEB_UID, restarted, "containerd", Path.of("kubepods/pod" + WEB_UID,
        restarted));

    identity.prepare(List.of(fresh));
    assertThat(identity.labels(fresh)).as("not mistaken for the sandbox")
        .isEqualTo(new ContainerLabels(restarted, "", "shop", "web-7d9f8b6c5d-x2x4z", ""));
    identity.finish();
    identity.prepare(List.of(fresh));
    identity.finish();
    assertThat(podRequests).as("within the interval").hasValue(1);

    clock.advance(Duration.ofSeconds(30));
    identity.prepare(List.of(fresh));
    identity.finish();
    assertThat(podRequests).as("asked again once the interval passed").hasValue(2);
  }

  @Test
  void withTheKubeletDownCgroupsAreNamedFromTheLogDirectoriesAndCounted() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    KubeletPods pods = kubeletPods("https://127.0.0.1:" + closed, tokenFile, caFile);
    Path logRoot = dir.resolve("log");
    Files.createDirectories(logRoot.resolve("pods/shop_web-0_" + WEB_UID + "/nginx"));
    Files.createDirectories(logRoot.resolve("containers"));
    Files.createSymbolicLink(logRoot.resolve("containers/web-0_shop_nginx-" + NGINX_ID + ".log"),
        logRoot.resolve("pods/shop_web-0_" + WEB_UID + "/nginx/0.log"));
    PodContainerIdentity identity = new PodContainerIdentity(pods,
        new LogPathIndex(logRoot, Duration.ofSeconds(30), System::nanoTime), Duration.ofSeconds(5), c -> false);
    ContainerCgroup pod = new ContainerCgroup(WEB_UID, null, null, Path.of("kubepods/pod" + WEB_UID));
    ContainerCgroup nginx = new ContainerCgroup(WEB_UID, NGINX_ID, null, Path.of("kubepods/pod" + WEB_UID, NGINX_ID));
    ContainerCgroup stranger = new ContainerCgroup("0000", "9".repeat(64), null, Path.of("kubepods/pod0000", "x"));

    identity.prepare(List.of(pod, nginx, stranger));
    assertThat(identity.labels(pod)).isEqualTo(new ContainerLabels("", "", "shop", "web-0", ""));
    assertThat(identity.labels(nginx)).isEqualTo(new ContainerLabels(NGINX_ID, "", "shop", "web-0", "nginx"));
    assertThat(identity.labels(stranger)).isEqualTo(new ContainerLabels("9".repeat(64), "", "", "", ""));
    identity.finish();

    assertThat(pods.failures()).isEqualTo(1);
    assertThat(identity.namedBy(PodContainerIdentity.Source.LOG_PATH)).isEqualTo(2);
    assertThat(identity.namedBy(PodContainerIdentity.Source.NONE)).isEqualTo(1);
    assertThat(logs.list).hasSize(1);
  }

  private KubeletPods kubeletPods(String endpoint, Path token, Path ca) {
    return new KubeletPods(vertx, config(endpoint, token, ca), Duration.ofSeconds(30), Clock.systemUTC());
  }

  private static KubeletConfig config(String endpoint, Path token, Path ca) {
    return new KubeletConfig(endpoint, new Secret(token), ca.toString(), null, null, false);
  }

  private String endpoint() {
    return "https://127.0.0.1:" + port;
  }

  /** A self-signed certificate for the given name in {@code <alias>.p12}; returns its PEM, the client's CA file. */
  private Path certificate(String alias, String commonName, String san) throws IOException, InterruptedException {
    Path keystore = dir.resolve(alias + ".p12");
    Path pem = dir.resolve(alias + ".pem");
    keytool("-genkeypair", "-keyalg", "RSA", "-keysize", "2048", "-alias", "kubelet", "-dname", "CN=" + commonName,
        "-ext", "SAN=" + san, "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
        "-storepass", "changeit", "-keypass", "changeit");
    keytool("-exportcert", "-rfc", "-alias", "kubelet", "-keystore", keystore.toString(), "-storepass", "changeit",
        "-file", pem.toString());
    return pem;
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("keytool " + args[0] + " failed: " + output);
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }
}

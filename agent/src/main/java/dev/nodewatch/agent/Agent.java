package dev.nodewatch.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodewatch.agent.config.AgentConfig;
import dev.nodewatch.agent.config.ConfigMapper;
import dev.nodewatch.agent.http.DebugServer;
import dev.nodewatch.agent.http.EventLoopHeartbeat;
import dev.nodewatch.agent.http.MetricsServer;
import dev.nodewatch.collectors.cgroup.CgroupLayout;
import dev.nodewatch.collectors.cgroup.ContainerMetrics;
import dev.nodewatch.collectors.cgroup.PodContainerIdentity;
import dev.nodewatch.collectors.cgroup.SandboxProcess;
import dev.nodewatch.collectors.config.Durations;
import dev.nodewatch.collectors.host.HostMetrics;
import dev.nodewatch.collectors.kube.KubeletPods;
import dev.nodewatch.collectors.kube.LogPathIndex;
import dev.nodewatch.collectors.metrics.SkippedLines;
import dev.nodewatch.collectors.runtime.Component;
import dev.nodewatch.collectors.runtime.RecentErrors;
import dev.nodewatch.exporters.prometheus.CollectedMetrics;
import dev.nodewatch.exporters.prometheus.PrometheusExposition;
import dev.nodewatch.exporters.prometheus.SelfMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.prometheus.client.CollectorRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.EnumSet;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the agent from its configuration: one registry, one Vert.x instance, the components in dependency order.
 * Owns nothing else; each component does its own work.
 */
public final class Agent {

  private static final Logger log = LoggerFactory.getLogger(Agent.class);
  /** How long a collection waits for the kubelet to list a new pod before naming it from its log paths. */
  private static final Duration KUBELET_WAIT = Duration.ofSeconds(2);

  private final AgentConfig config;
  private final String version;
  private final Clock clock;
  private final Instant startedAt;
  private final CollectorRegistry registry = new CollectorRegistry(true);
  private final SelfMetrics selfMetrics;
  private final RecentErrors errors;
  private final Vertx vertx;
  private final MetricsServer metricsServer;
  private final DebugServer debugServer;
  private final Lifecycle lifecycle;

  public Agent(AgentConfig config, String version, Clock clock) {
    this.config = config;
    this.version = version;
    this.clock = clock;
    this.startedAt = clock.instant();
    this.selfMetrics = new SelfMetrics(registry);
    this.errors = new RecentErrors(20, clock);
    this.vertx = Vertx.builder()
        .with(vertxOptions())
        .withMetrics(new MicrometerMetricsFactory(selfMetrics.meterRegistry()))
        .build();

    EventLoopHeartbeat heartbeat =
        new EventLoopHeartbeat(vertx, Duration.ofSeconds(10), selfMetrics.meterRegistry());
    SkippedLines skipped = new SkippedLines();
    HostMetrics host = new HostMetrics(config.host(), skipped);
    List<CollectedMetrics.Source> sources = new ArrayList<>(List.of(new CollectedMetrics.Source(host.runner(), "node")));
    // The kubelet's pod list is shared by everything that names pods; it starts before them to fill its cache.
    KubeletPods kubelet = new KubeletPods(vertx, config.kubelet());
    // opens the queue on its own thread from here on, while the rest is built and started
    LogShipping logs = new LogShipping(config, vertx, kubelet, selfMetrics.meterRegistry());
    kubeletMetrics(kubelet);
    ContainerMetrics containers = config.containers().enabled() ? containerMetrics(kubelet, skipped, sources) : null;
    this.metricsServer = new MetricsServer(vertx, config.server().address(),
        new PrometheusExposition(registry, new CollectedMetrics(sources, skipped),
            containers == null ? null : containers.readers()), this::ready, heartbeat, errors);
    // The HTTP listener starts first and stops last: /healthz answers while the rest start, and /readyz can say
    // 503 for as long as shutdown takes.
    List<Component> components = new ArrayList<>(List.of(metricsServer, host, kubelet));
    if (containers != null) {
      components.add(containers);
    }
    components.add(logs);
    ObjectMapper json = ConfigMapper.json();
    this.debugServer = config.debug().address()
        .map(address -> new DebugServer(vertx, address, this::status, config, json, logs.debugPages()))
        .orElse(null);
    if (debugServer != null) {
      components.add(debugServer);
    }
    this.lifecycle = new Lifecycle(components, errors, clock);
  }

  private ContainerMetrics containerMetrics(KubeletPods kubelet, SkippedLines skipped,
      List<CollectedMetrics.Source> sources) {
    LogPathIndex logPaths = new LogPathIndex(Path.of(config.kubelet().logRoot()), config.kubelet().refresh(),
        System::nanoTime);
    PodContainerIdentity identity = new PodContainerIdentity(kubelet, logPaths, KUBELET_WAIT, new SandboxProcess(
        CgroupLayout.detect(Path.of(config.containers().cgroupRoot())), Path.of(config.host().procfs())));
    for (PodContainerIdentity.Source source : PodContainerIdentity.Source.values()) {
      Gauge.builder("nodewatch.container.cgroups.named", identity, i -> i.namedBy(source))
          .description("Pod and container cgroups the last collection named from each source (none: unnamed).")
          .tag("source", source.name().toLowerCase(java.util.Locale.ROOT))
          .register(selfMetrics.meterRegistry());
    }
    ContainerMetrics containers = new ContainerMetrics(config.containers(), Path.of(config.host().procfs()),
        Path.of(config.host().sysfs()), identity, skipped, config.host().collectorTimeout());
    sources.add(new CollectedMetrics.Source(containers.runner(), null));
    return containers;
  }

  private void kubeletMetrics(KubeletPods kubelet) {
    FunctionCounter.builder("nodewatch.kubelet.requests", kubelet, KubeletPods::refreshes)
        .description("Requests for the pod list made to the kubelet.")
        .register(selfMetrics.meterRegistry());
    FunctionCounter.builder("nodewatch.kubelet.request.failures", kubelet, KubeletPods::failures)
        .description("Pod list requests to the kubelet that failed; names then come from log paths.")
        .register(selfMetrics.meterRegistry());
  }

  private static VertxOptions vertxOptions() {
    // An agent on every node serves a scrape every few seconds: one event loop and a few workers are plenty, and
    // every thread costs stack and RSS on every node of the cluster.
    return new VertxOptions()
        .setEventLoopPoolSize(1)
        .setWorkerPoolSize(4)
        .setInternalBlockingPoolSize(2)
        .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false)
            .setClassPathResolvingEnabled(false))
        .setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)
            // Local address and pool name tell the two listeners and the worker pools apart; all are fixed per agent.
            .setLabels(EnumSet.of(Label.LOCAL, Label.HTTP_METHOD, Label.HTTP_CODE, Label.POOL_TYPE, Label.POOL_NAME)));
  }

  public Future<Void> start() {
    return lifecycle.startAll().onSuccess(v -> log.info("nodewatch {} ready on {} (node {}) {} ms after JVM start",
        version, config.server().address(), config.nodeName(),
        ManagementFactory.getRuntimeMXBean().getUptime()));
  }

  public boolean ready() {
    return lifecycle.ready();
  }

  /**
   * Flips readiness to false, waits {@code shutdown_delay}, stops the components in reverse order and closes
   * Vert.x, all within {@code shutdown_timeout}. Blocks the calling thread.
   *
   * @return true when everything stopped in time
   */
  public boolean shutdown() {
    long deadline = System.nanoTime() + config.shutdownTimeout().toNanos();
    lifecycle.beginShutdown();
    log.info("shutting down: readiness off, stopping components in {}", Durations.format(config.shutdownDelay()));
    boolean clean = true;
    try {
      Thread.sleep(config.shutdownDelay().toMillis());
      try {
        await(lifecycle.stopAll(), deadline);
      } catch (ExecutionException e) {
        // Each failure is already logged and in /debug/status; Vert.x still has to close.
        clean = false;
      }
      await(vertx.close(), deadline);
      selfMetrics.close();
      log.info(clean ? "stopped" : "stopped, but a component failed to stop cleanly");
      return clean;
    } catch (TimeoutException e) {
      log.error("shutdown did not finish within shutdown_timeout {}", Durations.format(config.shutdownTimeout()));
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException e) {
      log.error("closing Vert.x failed", e.getCause());
      return false;
    }
  }

  private static void await(Future<Void> future, long deadlineNanos)
      throws InterruptedException, ExecutionException, TimeoutException {
    long left = Math.max(0, deadlineNanos - System.nanoTime());
    future.toCompletionStage().toCompletableFuture().get(left, TimeUnit.NANOSECONDS);
  }

  public int metricsPort() {
    return metricsServer.port();
  }

  public OptionalInt debugPort() {
    return debugServer == null ? OptionalInt.empty() : OptionalInt.of(debugServer.port());
  }

  public CollectorRegistry registry() {
    return registry;
  }

  /** What {@code /debug/status} shows. */
  public record Status(String version, String nodeName, String startedAt, long uptimeSeconds, boolean ready,
      List<ComponentStatus> components, List<ErrorEntry> recentErrors) {}

  /** One component in {@code /debug/status}. */
  public record ComponentStatus(String name, String state, String since, String error) {}

  /** One recent error in {@code /debug/status}. */
  public record ErrorEntry(String time, String component, String message) {}

  Status status() {
    Instant now = clock.instant();
    return new Status(version, config.nodeName(), startedAt.toString(),
        Duration.between(startedAt, now).toSeconds(), ready(),
        lifecycle.statuses().stream()
            .map(s -> new ComponentStatus(s.name(), s.state().name().toLowerCase(java.util.Locale.ROOT),
                s.since().toString(), s.error()))
            .toList(),
        errors.newestFirst().stream()
            .map(e -> new ErrorEntry(e.time().toString(), e.component(), e.message()))
            .toList());
  }
}

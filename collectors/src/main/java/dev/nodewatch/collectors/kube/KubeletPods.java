package dev.nodewatch.collectors.kube;

import dev.nodewatch.collectors.runtime.Component;
import dev.nodewatch.collectors.runtime.RateLimitedLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.LoggerFactory;

/**
 * Pod labels, annotations and images from the node's own kubelet ({@code GET <endpoint>/pods}), cached by pod UID.
 *
 * <p>The kubelet, not the API server, is asked because it only knows this node's pods and costs the control plane
 * nothing however many nodes run the agent; for the same reason there is no watch. The cache is replaced whole on
 * each refresh, and a refresh happens only when a lookup misses, at most once per {@code refresh} interval: a
 * new pod's first log lines wait for one refresh, while a stream of lines from a pod the kubelet does not know
 * (already deleted, or a stale file) cannot hammer it.
 *
 * <p>Lookups return a {@link Future} rather than blocking: a hit completes at once, a miss completes after the
 * refresh it triggers (or joins), so the caller on the event loop never waits and still gets labels for a
 * brand-new pod on its first line. When the kubelet cannot be reached, answers fall back to what the log path says
 * ({@link PodMetadata#fromPath}); each failure is counted in {@link #failures()} and logged at most once per
 * interval. The bearer token is read from its file for every request (projected tokens rotate) and is never part
 * of a log line or exception message: failures are logged by their kind and message only.
 */
public final class KubeletPods implements Component {

  private static final String LOG_KEY = "kubelet-pods";
  /** Bounds a hung kubelet; a refresh that takes longer than this is a failure, and lookups fall back. */
  private static final long REQUEST_TIMEOUT_MILLIS = 10_000;

  private final Vertx vertx;
  private final KubeletConfig config;
  private final Duration refresh;
  private final Clock clock;
  private final RateLimitedLog log;
  private final PodListParser parser = new PodListParser();
  private final HttpClient client;
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong refreshes = new AtomicLong();

  /** Guarded by {@code this}; replaced, never mutated, so readers need no lock once they hold a reference. */
  private Snapshot snapshot = new Snapshot(Map.of(), Map.of());
  private long lastRefreshMillis = Long.MIN_VALUE;
  private Future<Void> inFlight;

  public KubeletPods(Vertx vertx, KubeletConfig config, Duration refresh, Clock clock) {
    this.vertx = vertx;
    this.config = config;
    this.refresh = refresh;
    this.clock = clock;
    this.log = new RateLimitedLog(LoggerFactory.getLogger(KubeletPods.class), refresh, clock);
    this.client = config.enabled() ? vertx.createHttpClient(clientOptions(config)) : null;
  }

  private static HttpClientOptions clientOptions(KubeletConfig config) {
    HttpClientOptions options = new HttpClientOptions().setSsl(true);
    if (config.insecureSkipVerify()) {
      return options.setTrustAll(true).setVerifyHost(false);
    }
    return options.setVerifyHost(true).setTrustOptions(new PemTrustOptions().addCertPath(config.caFile()));
  }

  public KubeletPods(Vertx vertx, KubeletConfig config) {
    this(vertx, config, config.refresh(), Clock.systemUTC());
  }

  @Override
  public String name() {
    return "kubelet-pods";
  }

  /** Fills the cache once; an unreachable kubelet is counted and logged but does not stop the agent starting. */
  @Override
  public Future<Void> start() {
    if (config.enabled() && config.insecureSkipVerify()) {
      LoggerFactory.getLogger(KubeletPods.class).warn("kubelet.insecure_skip_verify is on: the certificate of {} is "
          + "not checked, so the bearer token goes to whatever answers there", config.endpoint());
    }
    return refreshIfDue();
  }

  @Override
  public Future<Void> stop() {
    return client == null ? Future.succeededFuture() : client.close();
  }

  /** The pod with this UID, refreshing the cache first if it is unknown and the interval allows. */
  public Future<Optional<PodMetadata>> lookup(String uid) {
    return lookup(s -> Optional.ofNullable(s.byUid().get(uid)));
  }

  /**
   * The kubelet's view of the pod a log file belongs to, found by pod UID or, for {@code /var/log/containers}
   * paths, by container id; what the path says when the kubelet is off, unreachable, or does not know the pod.
   */
  public Future<PodMetadata> lookup(PodLogPath path) {
    Function<Snapshot, Optional<PodMetadata>> find = s -> path.podUid()
        .map(uid -> s.byUid().get(uid))
        .or(() -> path.containerId().map(id -> s.byContainerId().get(id)));
    return lookup(find).map(found -> found.orElseGet(() -> PodMetadata.fromPath(path)));
  }

  /** Whether a kubelet endpoint is configured at all. */
  public boolean enabled() {
    return client != null;
  }

  /** What the cache holds for a pod UID, without any request. */
  public Optional<PodMetadata> cachedByUid(String uid) {
    return Optional.ofNullable(current().byUid().get(uid));
  }

  /** What the cache holds for a container id, without any request. */
  public Optional<PodMetadata> cachedByContainerId(String containerId) {
    return Optional.ofNullable(current().byContainerId().get(containerId));
  }

  /**
   * Refreshes the cache unless the last refresh began less than an interval ago (then completes at once) or one is
   * running (then joins it). Never fails; a failure is counted and logged.
   */
  public synchronized Future<Void> refreshIfDue() {
    return client == null ? Future.succeededFuture() : startRefreshIfDue();
  }

  /** Failed refreshes since start: unreachable kubelet, TLS failure, rejected token, unreadable answer. */
  public long failures() {
    return failures.get();
  }

  /** Requests made to the kubelet since start, successful or not. */
  public long refreshes() {
    return refreshes.get();
  }

  private Future<Optional<PodMetadata>> lookup(Function<Snapshot, Optional<PodMetadata>> find) {
    Future<Void> wait;
    synchronized (this) {
      Optional<PodMetadata> hit = find.apply(snapshot);
      if (hit.isPresent() || client == null) {
        return Future.succeededFuture(hit);
      }
      wait = startRefreshIfDue();
    }
    // A failed refresh is already counted and logged; the caller gets what the (old) cache has.
    return wait.transform(done -> Future.succeededFuture(find.apply(current())));
  }

  private synchronized Snapshot current() {
    return snapshot;
  }

  /**
   * Starts a refresh unless one is running (then joins it) or the last one began less than an interval ago. The
   * future never fails: a failure is counted and logged here, and the cache keeps its previous pods. Callers hold
   * the lock.
   */
  private Future<Void> startRefreshIfDue() {
    if (inFlight != null) {
      return inFlight;
    }
    long now = clock.millis();
    if (lastRefreshMillis != Long.MIN_VALUE && now - lastRefreshMillis < refresh.toMillis()) {
      return Future.succeededFuture();
    }
    lastRefreshMillis = now;
    refreshes.incrementAndGet();
    Future<Void> started = fetch().transform(result -> {
      synchronized (this) {
        inFlight = null;
        if (result.succeeded()) {
          snapshot = Snapshot.of(result.result());
        }
      }
      if (result.failed()) {
        failures.incrementAndGet();
        Throwable cause = result.cause();
        log.error(LOG_KEY, "cannot list pods from kubelet " + config.endpoint() + ", using log paths only: "
            + cause.getClass().getSimpleName() + ": " + cause.getMessage(), null);
      }
      return Future.<Void>succeededFuture();
    });
    // fetch() may complete synchronously (e.g. a bad URI), in which case inFlight must stay cleared.
    if (!started.isComplete()) {
      inFlight = started;
    }
    return started;
  }

  private Future<List<PodMetadata>> fetch() {
    String uri = config.endpoint().replaceAll("/+$", "") + "/pods";
    return vertx.executeBlocking(() -> config.tokenFile().read(), false)
        .compose(token -> client.request(new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setAbsoluteURI(uri)
            .putHeader("Authorization", "Bearer " + token)
            .putHeader("Accept", "application/json")
            .setTimeout(REQUEST_TIMEOUT_MILLIS)))
        .compose(request -> request.send())
        .compose(this::body);
  }

  private Future<List<PodMetadata>> body(HttpClientResponse response) {
    return response.body().compose(body -> {
      if (response.statusCode() != 200) {
        return Future.failedFuture(new KubeletException("HTTP " + response.statusCode() + " "
            + response.statusMessage()));
      }
      try {
        return Future.succeededFuture(parser.parse(body.getBytes()));
      } catch (IOException e) {
        return Future.failedFuture(new KubeletException("unreadable PodList: " + e.getMessage()));
      }
    });
  }

  /** The pods of one successful refresh, indexed both ways log paths identify a pod. */
  private record Snapshot(Map<String, PodMetadata> byUid, Map<String, PodMetadata> byContainerId) {

    static Snapshot of(List<PodMetadata> pods) {
      Map<String, PodMetadata> byUid = new HashMap<>();
      Map<String, PodMetadata> byContainerId = new HashMap<>();
      for (PodMetadata pod : pods) {
        byUid.put(pod.uid(), pod);
        for (ContainerMetadata container : pod.containers()) {
          if (!container.containerId().isEmpty()) {
            byContainerId.put(container.containerId(), pod);
          }
        }
      }
      return new Snapshot(Map.copyOf(byUid), Map.copyOf(byContainerId));
    }
  }

  /** A refresh the kubelet answered but we cannot use; carries no request headers, so never the token. */
  static final class KubeletException extends Exception {
    KubeletException(String message) {
      super(message);
    }
  }
}

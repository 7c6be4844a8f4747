package dev.nodewatch.collectors.metrics;

import dev.nodewatch.collectors.runtime.RateLimitedLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.LoggerFactory;

/**
 * Runs a set of collectors for one scrape on a small pool, all under one deadline, so a collector stuck on a hung
 * NFS mount costs only its own result ({@code success=0}) while the scrape still answers in time with everything
 * else.
 *
 * <p>A collector still running from an earlier scrape is not started again (it would pile up threads behind the
 * same stuck call); it reports failure until it returns. Scrapes that arrive while a collection is in flight (two
 * Prometheus replicas scraping together) share that collection instead of reading the node twice.
 */
public final class CollectionRunner implements AutoCloseable {

  /** What one collector gave in one collection. */
  public record Outcome(String collector, boolean success, Duration duration, List<MetricFamily> families,
      String error) {}

  private final List<MetricCollector> collectors;
  private final Duration timeout;
  private final ExecutorService executor;
  private final RateLimitedLog log =
      new RateLimitedLog(LoggerFactory.getLogger(CollectionRunner.class), Duration.ofMinutes(1));
  private final Map<String, Future<?>> running = new ConcurrentHashMap<>();
  private CompletableFuture<List<Outcome>> inFlight;

  public CollectionRunner(String name, List<MetricCollector> collectors, Duration timeout) {
    this.collectors = List.copyOf(collectors);
    this.timeout = timeout;
    AtomicInteger threads = new AtomicInteger();
    // Two threads, whatever the number of collectors: a thread per collector would put two dozen runnable threads
    // on the node at every scrape and inflate the very node_procs_running it reports. A collector stuck in a system
    // call holds one thread and is not queued again until it returns, so the other keeps serving.
    int parallelism = Math.min(2, Math.max(1, collectors.size()));
    ThreadPoolExecutor pool = new ThreadPoolExecutor(parallelism, parallelism, 2, TimeUnit.MINUTES,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "nodewatch-" + name + "-" + threads.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    this.executor = pool;
  }

  public List<String> names() {
    return collectors.stream().map(MetricCollector::name).toList();
  }

  /** Collects from every collector, joining a collection already in flight. Blocks up to the timeout. */
  public List<Outcome> collect() throws InterruptedException {
    return start().await();
  }

  /**
   * Starts a collection, or joins the one in flight; {@link Pending#await} gives its outcomes. Starting several
   * runners before awaiting any lets them collect at once, each under its own deadline, so a scrape waits for the
   * slowest, not for the sum. Every started collection must be awaited.
   */
  public Pending start() {
    synchronized (this) {
      if (inFlight != null) {
        return new Pending(inFlight, null, 0);
      }
      inFlight = new CompletableFuture<>();
    }
    try {
      long deadline = System.nanoTime() + timeout.toNanos();
      return new Pending(inFlight, submitAll(), deadline);
    } catch (RuntimeException | Error e) {
      // Errors too (no native thread for the pool): callers joining this collection must never wait forever.
      finish(null, e);
      throw e;
    }
  }

  /** A started collection. */
  public final class Pending {
    private final CompletableFuture<List<Outcome>> shared;
    private final List<Run> runs;
    private final long deadlineNanos;

    /** @param runs this caller's own runs, or null when it joined another caller's collection */
    private Pending(CompletableFuture<List<Outcome>> shared, List<Run> runs, long deadlineNanos) {
      this.shared = shared;
      this.runs = runs;
      this.deadlineNanos = deadlineNanos;
    }

    /** The outcomes, waiting up to the collection's deadline. */
    public List<Outcome> await() throws InterruptedException {
      if (runs == null) {
        try {
          // The owner answers within the timeout; the margin covers its bookkeeping, the bound anything else.
          return shared.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
          throw new IllegalStateException("shared collection failed", e.getCause());
        } catch (TimeoutException e) {
          throw new IllegalStateException("shared collection did not finish in time", e);
        }
      }
      List<Outcome> outcomes = null;
      Throwable failure = null;
      try {
        outcomes = outcomes(runs, deadlineNanos);
        return outcomes;
      } catch (Throwable e) {
        failure = e;
        throw e;
      } finally {
        finish(outcomes, failure);
      }
    }
  }

  /** Ends the collection in flight: joiners get its outcomes or its failure, and the next start begins anew. */
  private void finish(List<Outcome> outcomes, Throwable failure) {
    CompletableFuture<List<Outcome>> done;
    synchronized (this) {
      done = inFlight;
      inFlight = null;
    }
    if (failure != null) {
      done.completeExceptionally(failure);
    } else {
      done.complete(outcomes);
    }
  }

  /** One collector's run: when it really started and ended, which queueing behind other collectors is not. */
  private static final class Run {
    volatile long startNanos;
    volatile long endNanos;
    Future<List<MetricFamily>> future;

    Duration took(long nowNanos) {
      long start = startNanos;
      long end = endNanos;
      return start == 0 ? Duration.ZERO : Duration.ofNanos((end == 0 ? nowNanos : end) - start);
    }
  }

  /** Submits every collector not still running from an earlier scrape; a null entry stands for one that is. */
  private List<Run> submitAll() {
    List<Run> runs = new ArrayList<>(collectors.size());
    for (MetricCollector c : collectors) {
      Future<?> previous = running.get(c.name());
      if (previous != null && !previous.isDone()) {
        runs.add(null);
        continue;
      }
      Run run = new Run();
      run.future = executor.submit(() -> {
        run.startNanos = System.nanoTime();
        try {
          return c.collect();
        } finally {
          run.endNanos = System.nanoTime();
        }
      });
      running.put(c.name(), run.future);
      runs.add(run);
    }
    return runs;
  }

  private List<Outcome> outcomes(List<Run> runs, long deadline) throws InterruptedException {
    List<Outcome> outcomes = new ArrayList<>(collectors.size());
    for (int i = 0; i < collectors.size(); i++) {
      MetricCollector c = collectors.get(i);
      Run run = runs.get(i);
      if (run == null) {
        outcomes.add(failure(c, Duration.ZERO, "still running from an earlier scrape", null));
        continue;
      }
      try {
        List<MetricFamily> families =
            run.future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        outcomes.add(new Outcome(c.name(), true, run.took(System.nanoTime()), families, null));
      } catch (TimeoutException e) {
        outcomes.add(failure(c, run.took(System.nanoTime()), "timed out after " + timeout.toMillis() + " ms", null));
      } catch (ExecutionException e) {
        outcomes.add(failure(c, run.took(System.nanoTime()), String.valueOf(e.getCause()), e.getCause()));
      }
    }
    return outcomes;
  }

  private Outcome failure(MetricCollector c, Duration took, String error, Throwable cause) {
    log.error(c.name(), "collector " + c.name() + " failed: " + error, cause);
    return new Outcome(c.name(), false, took, List.of(), error);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}

package dev.nodewatch.collectors.cgroup;

import dev.nodewatch.collectors.metrics.CollectionRunner;
import dev.nodewatch.collectors.metrics.MetricCollector;
import dev.nodewatch.collectors.metrics.SkippedLines;
import dev.nodewatch.collectors.runtime.Component;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The container-metrics component: cAdvisor's {@code container_*} series for every pod and container cgroup on the
 * node, collected at scrape time like the host metrics. Owns the two reader threads a collection is spread over
 * (they exit after two idle minutes, so an agent nobody scrapes holds none).
 */
public final class ContainerMetrics implements Component {

  /** Two, because the machines this runs on give a DaemonSet one or two cores and the work is system calls. */
  private static final int PARALLELISM = 2;

  private final ThreadPoolExecutor readers;
  private final CollectionRunner runner;

  /**
   * @param procfs the host's {@code /proc}, for the pods' network counters
   * @param sysfs the host's {@code /sys}, for block device names
   */
  public ContainerMetrics(ContainersConfig config, Path procfs, Path sysfs, ContainerIdentity identity,
      SkippedLines skipped, Duration collectorTimeout) {
    AtomicInteger threads = new AtomicInteger();
    this.readers = new ThreadPoolExecutor(PARALLELISM, PARALLELISM, 2, TimeUnit.MINUTES, new LinkedBlockingQueue<>(),
        r -> {
          Thread t = new Thread(r, "nodewatch-cgroup-reader-" + threads.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    readers.allowCoreThreadTimeOut(true);
    CgroupLayout layout = CgroupLayout.detect(Path.of(config.cgroupRoot()));
    CgroupReader reader = CgroupReader.forLayout(layout, skipped, new HostSwap(procfs, System::nanoTime));
    MetricCollector collector = new ContainerCgroupCollector(layout, reader,
        identity, new BlockDeviceNames(sysfs), new PodNetwork(procfs, skipped), config.specRefresh(),
        System::nanoTime, readers, PARALLELISM);
    this.runner = new CollectionRunner("containers", List.of(collector), collectorTimeout);
  }

  public CollectionRunner runner() {
    return runner;
  }

  /** The reader threads, idle between collections: the exposition borrows them to render a large body. */
  public Executor readers() {
    return readers;
  }

  @Override
  public String name() {
    return "container-metrics";
  }

  @Override
  public Future<Void> start() {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    runner.close();
    readers.shutdownNow();
    return Future.succeededFuture();
  }
}

package dev.nodewatch.collectors.host;

import dev.nodewatch.collectors.metrics.CollectionRunner;
import dev.nodewatch.collectors.metrics.MetricCollector;
import dev.nodewatch.collectors.metrics.SkippedLines;
import dev.nodewatch.collectors.runtime.Component;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * The node_exporter-compatible host collectors named in {@code host.collectors}, run together on every scrape.
 * Nothing is read at start: the first scrape reads the node, so start-up costs nothing here.
 */
public final class HostMetrics implements Component {

  private final CollectionRunner runner;
  private final SkippedLines skipped;

  public HostMetrics(HostConfig config, SkippedLines skipped) {
    this(config, HostPaths.of(config), skipped, new FilesystemCollector.JnaStatFs());
  }

  /** With an injectable {@code statfs}, so a test can make a mount hang. */
  public HostMetrics(HostConfig config, HostPaths paths, SkippedLines skipped, FilesystemCollector.StatFs statFs) {
    this.skipped = skipped;
    List<MetricCollector> collectors = new ArrayList<>();
    for (String name : config.collectors()) {
      collectors.add(create(name, config, paths, statFs));
    }
    this.runner = new CollectionRunner("host", collectors, config.collectorTimeout());
  }

  private MetricCollector create(String name, HostConfig config, HostPaths paths, FilesystemCollector.StatFs statFs) {
    return switch (name) {
      case "cpu" -> new CpuCollector(paths, skipped);
      case "stat" -> new StatCollector(paths, skipped);
      case "vmstat" -> new VmstatCollector(paths, skipped);
      case "filefd" -> new FilefdCollector(paths, skipped);
      case "entropy" -> new EntropyCollector(paths, skipped);
      case "schedstat" -> new SchedstatCollector(paths, skipped);
      case "softnet" -> new SoftnetCollector(paths, skipped);
      case "time" -> new TimeCollector(paths, skipped);
      case "uname" -> new UnameCollector(paths, skipped);
      case "os" -> new OsCollector(paths, skipped);
      case "diskstats" -> new DiskstatsCollector(paths, skipped);
      case "netdev" -> new NetdevCollector(paths, skipped);
      case "netclass" -> new NetclassCollector(paths, skipped);
      case "netstat" -> new NetstatCollector(paths, skipped);
      case "sockstat" -> new SockstatCollector(paths, skipped);
      case "conntrack" -> new ConntrackCollector(paths, skipped);
      case "pressure" -> new PressureCollector(paths, skipped);
      case "meminfo" -> new MeminfoCollector(paths, skipped);
      case "loadavg" -> new LoadavgCollector(paths, skipped);
      case "arp" -> new ArpCollector(paths, skipped);
      case "udp_queues" -> new UdpQueuesCollector(paths, skipped);
      case "timex" -> new TimexCollector(TimexCollector.system());
      case "thermal_zone" -> new ThermalZoneCollector(paths, skipped);
      case "hwmon" -> new HwmonCollector(paths, skipped);
      case "textfile" -> new TextfileCollector(config.textfileDirectory());
      // A mount counts as stuck a little before the collector's own timeout, so the collector can still say
      // which mount hung instead of being cut off by the runner.
      case "filesystem" -> new FilesystemCollector(paths, skipped, config.filesystem(), statFs,
          config.collectorTimeout().multipliedBy(4).dividedBy(5));
      default -> throw new IllegalArgumentException("no host collector named " + name);
    };
  }

  public CollectionRunner runner() {
    return runner;
  }

  public SkippedLines skipped() {
    return skipped;
  }

  @Override
  public String name() {
    return "host-metrics";
  }

  @Override
  public Future<Void> start() {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    runner.close();
    return Future.succeededFuture();
  }
}

package dev.nodewatch.exporters.prometheus;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.hotspot.StandardExports;
import java.nio.file.Path;

/**
 * The agent's own telemetry, in the same registry as the node's metrics so one scrape returns both.
 *
 * <p>Micrometer supplies the JVM metrics ({@code jvm_memory_used_bytes}, {@code jvm_gc_pause_seconds}, …) and
 * whatever components record through the returned {@link MeterRegistry}. The process metrics come from
 * simpleclient's {@link StandardExports} ({@code process_resident_memory_bytes}, {@code process_cpu_seconds_total},
 * {@code process_open_fds}), the names every Prometheus exporter uses and resource alerts are written against;
 * Micrometer's own uptime and file-descriptor binders would register a second {@code process_start_time_seconds}
 * and are left out for that reason; its processor binder is left out because it re-reads cgroup files on every
 * scrape (a third of the agent's own collection cost) to derive what {@code rate(process_cpu_seconds_total[1m])}
 * and the node's {@code node_cpu_seconds_total} already give.
 */
public final class SelfMetrics implements AutoCloseable {

  private final PrometheusMeterRegistry meterRegistry;
  private final JvmGcMetrics gcMetrics;

  public SelfMetrics(CollectorRegistry registry) {
    this.meterRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, registry, Clock.SYSTEM);
    new StandardExports().register(registry);
    new AddressSpaceLimit(Path.of("/proc/self/limits")).register(registry);
    new ClassLoaderMetrics().bindTo(meterRegistry);
    new JvmMemoryMetrics().bindTo(meterRegistry);
    new JvmThreadMetrics().bindTo(meterRegistry);
    new JvmInfoMetrics().bindTo(meterRegistry);
    this.gcMetrics = new JvmGcMetrics();
    gcMetrics.bindTo(meterRegistry);
  }

  /** Where components record their own counters, gauges and timers. */
  public MeterRegistry meterRegistry() {
    return meterRegistry;
  }

  @Override
  public void close() {
    gcMetrics.close();
    meterRegistry.close();
  }
}

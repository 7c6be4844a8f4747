package dev.nodewatch.exporters.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.metrics.CollectionRunner;
import dev.nodewatch.collectors.metrics.MetricCollector;
import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CollectedMetricsTest {

  /** A collector that says it started, then waits for the other one to have started too. */
  private static MetricCollector meeting(String name, CountDownLatch started) {
    return new MetricCollector() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public List<MetricFamily> collect() throws java.io.IOException {
        started.countDown();
        try {
          if (!started.await(5, TimeUnit.SECONDS)) {
            throw new java.io.IOException(name + " never saw the other source start");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return List.of(MetricFamily.single(name + "_up", MetricType.GAUGE, "up", 1));
      }
    };
  }

  @Test
  void sourcesCollectAtOnceSoAScrapeWaitsForTheSlowestNotTheSum() {
    CountDownLatch started = new CountDownLatch(2);
    try (CollectionRunner host = new CollectionRunner("host", List.of(meeting("host", started)), Duration.ofSeconds(2));
        CollectionRunner containers = new CollectionRunner("containers", List.of(meeting("cgroup", started)),
            Duration.ofSeconds(2))) {
      List<MetricFamily> families = new CollectedMetrics(List.of(new CollectedMetrics.Source(host, "node"),
          new CollectedMetrics.Source(containers, null)), new SkippedLines()).get();

      assertThat(families).extracting(MetricFamily::name).contains("host_up", "cgroup_up");
      MetricFamily success = families.stream().filter(f -> f.name().equals("nodewatch_scrape_collector_success"))
          .findFirst().orElseThrow();
      assertThat(success.samples()).extracting(s -> s.value()).containsExactly(1.0, 1.0);
      assertThat(families.stream().filter(f -> f.name().equals("node_scrape_collector_success"))
          .findFirst().orElseThrow().samples()).as("node_ series cover the host collectors only").hasSize(1);
    }
  }
}

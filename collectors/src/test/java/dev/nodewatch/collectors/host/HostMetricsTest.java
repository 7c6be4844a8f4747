package dev.nodewatch.collectors.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.host.FilesystemCollector.FsStats;
import dev.nodewatch.collectors.metrics.CollectionRunner.Outcome;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class HostMetricsTest {

  @Test
  void aHangingMountFailsOnlyTheFilesystemCollectorAndTheScrapeStillAnswersInTime() throws Exception {
    HostConfig config = new HostConfig(null, null, null, List.of("meminfo", "loadavg", "filesystem"),
        Duration.ofMillis(300), null, null);
    CountDownLatch release = new CountDownLatch(1);
    HostMetrics host = new HostMetrics(config, HostFixtures.paths("fs-and-basic"), new SkippedLines(), p -> {
      if (p.endsWith("nfs")) {
        release.await();
      }
      return new FsStats(1, 1, 1, 1, 1);
    });
    try {
      long start = System.nanoTime();
      Map<String, Outcome> first = byCollector(host.runner().collect());
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(took).isLessThan(Duration.ofMillis(1500));
      assertThat(first.get("filesystem").success()).isFalse();
      assertThat(first.get("filesystem").error()).contains("/mnt/nfs");
      assertThat(first.get("meminfo").success()).isTrue();
      assertThat(first.get("meminfo").families()).isNotEmpty();
      assertThat(first.get("loadavg").success()).isTrue();

      Map<String, Outcome> second = byCollector(host.runner().collect());
      assertThat(second.get("filesystem").success()).isTrue();
      assertThat(second.values()).allMatch(Outcome::success);
    } finally {
      release.countDown();
      host.stop();
    }
  }

  @Test
  void keepsTheComponentContract() {
    HostMetrics neverStarted = new HostMetrics(HostConfig.defaults(), HostFixtures.paths("basic"), new SkippedLines(),
        p -> new FsStats(1, 1, 1, 1, 1));
    assertThat(neverStarted.stop().succeeded()).isTrue();
    HostMetrics host = new HostMetrics(HostConfig.defaults(), HostFixtures.paths("basic"), new SkippedLines(),
        p -> new FsStats(1, 1, 1, 1, 1));
    assertThat(host.start().succeeded()).isTrue();
    assertThat(host.stop().succeeded()).isTrue();
    assertThat(host.stop().succeeded()).isTrue();
    assertThat(host.runner().names()).hasSize(HostConfig.KNOWN_COLLECTORS.size());
  }

  @Test
  void anUnknownCollectorNameIsRejected() {
    HostConfig config = new HostConfig(null, null, null, List.of("gpu"), null, null, null);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new HostMetrics(config, new SkippedLines()))
        .hasMessage("no host collector named gpu");
  }

  private static Map<String, Outcome> byCollector(List<Outcome> outcomes) {
    return outcomes.stream().collect(Collectors.toMap(Outcome::collector, o -> o));
  }
}

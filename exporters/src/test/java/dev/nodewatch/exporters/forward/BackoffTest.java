package dev.nodewatch.exporters.forward;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void theCeilingDoublesUpToTheMaximumAndEachWaitIsJitteredBelowIt() {
    List<Long> ceilings = new ArrayList<>();
    Backoff backoff = new Backoff(100, 1_000, bound -> {
      ceilings.add(bound);
      return bound / 2;
    });
    List<Long> waits = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      waits.add(backoff.next());
    }
    assertThat(ceilings).containsExactly(100L, 200L, 400L, 800L, 1_000L, 1_000L);
    assertThat(waits).containsExactly(50L, 100L, 200L, 400L, 500L, 500L);
    backoff.reset();
    assertThat(backoff.next()).isEqualTo(50);
  }

  @Test
  void realJitterStaysWithinZeroAndTheCeiling() {
    Backoff backoff = new Backoff(new RetryConfig(Duration.ofMillis(10), Duration.ofMillis(40)));
    for (int i = 0; i < 1_000; i++) {
      assertThat(backoff.next()).isBetween(0L, Duration.ofMillis(40).toNanos());
    }
  }

  @Test
  void retryAfterWinsOverTheMaximumWithinFiveMinutesButNeverShortensTheWait() {
    Backoff backoff = new Backoff(100, 1_000, bound -> bound);
    assertThat(backoff.next(Duration.ofNanos(30_000))).isEqualTo(30_000);
    assertThat(backoff.next(Duration.ofNanos(1))).as("the backoff's own wait").isEqualTo(200);
    assertThat(backoff.next(Duration.ofHours(1))).isEqualTo(Backoff.MAX_RETRY_AFTER_NANOS);
    assertThat(backoff.next(null)).isEqualTo(800);
  }
}

package dev.nodewatch.collectors.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RateLimitedLogTest {

  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
  private final Clock clock = new Clock() {
    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  };
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private RateLimitedLog log;

  @BeforeEach
  void setUp() {
    Logger logger = (Logger) LoggerFactory.getLogger("rate-limited-test-" + System.nanoTime());
    appender.start();
    logger.addAppender(appender);
    log = new RateLimitedLog(logger, Duration.ofMinutes(1), clock);
  }

  @Test
  void repeatsWithinTheIntervalAreHeldBackAndCountedInTheNextMessage() {
    assertThat(log.error("read", "cannot read /var/log/x", null)).isTrue();
    assertThat(log.error("read", "cannot read /var/log/x", null)).isFalse();
    assertThat(log.error("read", "cannot read /var/log/x", null)).isFalse();
    now.set(now.get().plusSeconds(61));
    assertThat(log.error("read", "cannot read /var/log/y", new IllegalStateException("boom"))).isTrue();

    assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
        "cannot read /var/log/x", "cannot read /var/log/y (2 similar messages suppressed)");
    assertThat(appender.list.get(1).getThrowableProxy().getMessage()).isEqualTo("boom");
  }

  @Test
  void differentKeysAreLimitedSeparately() {
    assertThat(log.error("read", "a", null)).isTrue();
    assertThat(log.error("send", "b", null)).isTrue();
    assertThat(log.error("read", "a", null)).isFalse();
    assertThat(appender.list).hasSize(2);
  }
}

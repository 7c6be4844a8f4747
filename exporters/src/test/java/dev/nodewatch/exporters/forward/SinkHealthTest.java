package dev.nodewatch.exporters.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.runtime.LoopThread;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SinkHealthTest {

  /** A sink whose check waits until released, and counts how often it was asked. */
  private static final class SlowCheck implements Sink {
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger checks = new AtomicInteger();

    @Override
    public List<Rejection> send(SinkBatch batch) {
      return List.of();
    }

    @Override
    public String check() throws SinkException {
      checks.incrementAndGet();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw SinkException.retryable("connection", "connection refused", null);
    }

    @Override
    public void close() {}
  }

  @Test
  void sendersWaitForTheFirstCheckAfterAStartWhateverItFinds() throws Exception {
    SlowCheck sink = new SlowCheck();
    SinkHealth health = new SinkHealth("s", () -> sink);
    health.started();
    LoopThread loop = new LoopThread("sender");
    CompletableFuture<Boolean> waited = new CompletableFuture<>();
    loop.start(() -> waited.complete(health.awaitFirstCheck(loop)));
    Thread.sleep(200);
    assertThat(waited).as("still waiting for the check").isNotDone();
    sink.release.countDown();
    assertThat(waited.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(health.healthy()).isFalse();
    assertThat(health.get().detail()).contains("connection refused");
    loop.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void beforeAStartThereIsNothingToCheckAndAnAnswerMakesItHealthy() {
    SinkHealth health = new SinkHealth("s", () -> null);
    assertThat(health.get().detail()).isEqualTo("not checked yet"); // and no check thread: no sink yet
    health.answered();
    assertThat(health.healthy()).isTrue();
    health.failed("HTTP 503");
    assertThat(health.get().healthy()).isFalse();
    assertThat(health.get().detail()).isEqualTo("HTTP 503");
  }
}

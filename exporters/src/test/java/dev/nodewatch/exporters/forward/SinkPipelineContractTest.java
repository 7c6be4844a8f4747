package dev.nodewatch.exporters.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.config.ByteSize;
import dev.nodewatch.collectors.queue.DeadLetterQueue;
import dev.nodewatch.collectors.queue.FileIdentity;
import dev.nodewatch.collectors.queue.LogQueue;
import dev.nodewatch.collectors.queue.LogSource;
import dev.nodewatch.collectors.queue.QueueConfig;
import dev.nodewatch.collectors.queue.WhenFull;
import dev.nodewatch.collectors.runtime.Component;
import dev.nodewatch.collectors.runtime.ComponentContract;
import dev.nodewatch.collectors.runtime.Threads;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline's lifecycle: its sinks are opened by a start and closed by the stop, also when a server hangs. */
class SinkPipelineContractTest extends ComponentContract {

  @TempDir
  Path dir;

  private LogQueue queue;
  private DeadLetterQueue deadLetters;
  private final AtomicInteger opened = new AtomicInteger();
  private final AtomicInteger closed = new AtomicInteger();
  private final Set<Thread> before = Threads.named("nodewatch-sink-contract");
  /** Whether sends hang on their server: one returns only when its sink is closed, as a closed client makes it. */
  private volatile boolean hanging;

  @BeforeEach
  void open() throws Exception {
    queue = LogQueue.open(dir.resolve("queue"), new QueueConfig(ByteSize.parse("16MiB"), WhenFull.BLOCK), "node",
        1 << 20);
    deadLetters = DeadLetterQueue.open(dir.resolve("dead-letter"), 7);
    LogQueue.Batch batch = queue.batch(new LogSource(new FileIdentity(1, 2, 3, 4), "/var/log/pods/ns_p_u/c/0.log",
        "ns", "p", "u", "c", "id", 0, Map.of()));
    batch.add(1, false, false, false, 0, "a record");
    queue.append(batch, 10);
  }

  @AfterEach
  void close() {
    deadLetters.close();
    queue.close();
  }

  private final class CountedSink implements Sink {
    private final CountDownLatch closing = new CountDownLatch(1);

    CountedSink() {
      opened.incrementAndGet();
    }

    @Override
    public List<Rejection> send(SinkBatch batch) throws SinkException {
      if (hanging) {
        try {
          closing.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw SinkException.retryable("connection", "connection closed", null);
      }
      return List.of();
    }

    @Override
    public String check() {
      return "fine";
    }

    @Override
    public void close() {
      closed.incrementAndGet();
      closing.countDown();
    }
  }

  @Override
  protected Component newComponent() {
    SinkConfig config = new SinkConfig("stdout", new SinkSettings("contract", null, null, 2, null),
        new dev.nodewatch.exporters.sink.stdout.StdoutOptions());
    return new SinkPipeline(config, queue.reader("contract"), CountedSink::new, deadLetters,
        new SinkMetrics(new SimpleMeterRegistry(), "contract"));
  }

  @Override
  protected void assertReleased() throws Exception {
    assertThat(closed.get()).as("every sink opened is closed").isEqualTo(opened.get());
    assertThat(Threads.newSince(before, "nodewatch-sink-contract")).isEmpty();
  }

  @Test
  void aStopCompletesWhileTheServerHangsAndTheBatchWaitsForTheNextStart() throws Exception {
    hanging = true;
    SinkPipeline pipeline = (SinkPipeline) newComponent();
    completes(pipeline.start(), "start");
    Thread.sleep(300); // a send is in hand, waiting for the server
    long started = System.nanoTime();
    completes(pipeline.stop(), "stop");
    System.out.printf("stop took %.1f s with the server hanging%n", (System.nanoTime() - started) / 1e9);
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    assertThat(seconds).as("within the shutdown timeout").isLessThan(15);
    assertThat(seconds).as("after the grace for the request in hand").isGreaterThanOrEqualTo(4);
    assertReleased();
    assertThat(pipeline.reader().committedIndex()).as("the batch in hand is not acknowledged").isZero();
  }
}

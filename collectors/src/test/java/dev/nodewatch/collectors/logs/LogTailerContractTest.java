package dev.nodewatch.collectors.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.config.ByteSize;
import dev.nodewatch.collectors.queue.LogQueue;
import dev.nodewatch.collectors.queue.LogRecord;
import dev.nodewatch.collectors.queue.QueueConfig;
import dev.nodewatch.collectors.queue.QueueReader;
import dev.nodewatch.collectors.queue.WhenFull;
import dev.nodewatch.collectors.runtime.Component;
import dev.nodewatch.collectors.runtime.ComponentContract;
import dev.nodewatch.collectors.runtime.Threads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tailer's lifecycle on real files: a stopped tailer holds no descriptor, and a restart reads on. */
class LogTailerContractTest extends ComponentContract {

  @TempDir
  Path root;

  private LogQueue queue;
  private PodLogFiles pod;
  private LogTailer tailer;
  private List<Path> writers;
  private dev.nodewatch.collectors.queue.QueueMaintenance maintenance;
  private final java.util.Set<Thread> before = Threads.named("nodewatch-log-tailer");

  @Override
  protected Component newComponent() throws Exception {
    queue = LogQueue.open(root.resolve("queue"), new QueueConfig(ByteSize.parse("16MiB"), WhenFull.BLOCK), "node",
        1 << 20);
    queue.reader("test");
    maintenance = new dev.nodewatch.collectors.queue.QueueMaintenance(queue);
    maintenance.start(); // measures the disk: reading waits for it
    pod = new PodLogFiles(root, "ns", "p", "0a1b", "c");
    pod.write(PodLogFiles.cri("stdout", 'F', "line 0"));
    writers = openUnder(root.resolve("pods")); // the "runtime" writing the file
    tailer = new LogTailer(new LogsConfig(List.of(root + "/containers/*.log"), List.of(), LogFormat.CRI,
        ByteSize.ofMebibytes(1), Duration.ofMillis(100), 64, true, null), queue, WhenFull.BLOCK, uid -> Map.of(),
        "", "", System::nanoTime);
    return tailer;
  }

  @Override
  protected void assertReleased() throws Exception {
    assertThat(Threads.newSince(before, "nodewatch-log-tailer")).isEmpty();
    assertThat(openUnder(root.resolve("pods"))).as("descriptors of log files").isEqualTo(writers);
    assertThat(tailer.stats().containers()).as("per-container series").isEmpty();
  }

  private static List<Path> openUnder(Path dir) throws Exception {
    List<Path> open = new ArrayList<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : fds.toList()) {
        try {
          Path target = Files.readSymbolicLink(fd);
          if (target.startsWith(dir)) {
            open.add(target);
          }
        } catch (java.io.IOException closedMeanwhile) {
          // a descriptor of the listing itself, gone by now
        }
      }
    }
    return open;
  }

  @Test
  void aTailerStartedAgainReadsOnFromWhereItStoppedNothingTwice() throws Exception {
    Component component = newComponent();
    completes(component.start(), "start");
    QueueReader reader = queue.reader("test");
    List<String> read = new ArrayList<>();
    awaitLines(reader, read, 1);
    completes(component.stop(), "stop");
    pod.write(PodLogFiles.cri("stdout", 'F', "line 1"));
    completes(component.start(), "start again");
    awaitLines(reader, read, 2);
    completes(component.stop(), "stop again");
    assertThat(read).containsExactly("line 0", "line 1");
  }

  private static void awaitLines(QueueReader reader, List<String> read, int count) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
    while (read.size() < count && System.nanoTime() < deadline) {
      QueueReader.Polled polled = reader.poll(100);
      polled.records().stream().map(LogRecord::message).forEach(read::add);
      if (!polled.isEmpty()) {
        reader.ack(polled.lastIndex());
      }
      Thread.sleep(20);
    }
    assertThat(read).hasSizeGreaterThanOrEqualTo(count);
  }

  @AfterEach
  void close() throws Exception {
    if (tailer != null) {
      tailer.stop().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
    }
    if (maintenance != null) {
      maintenance.stop().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
    }
    if (pod != null) {
      pod.close();
    }
    if (queue != null) {
      queue.close();
    }
  }
}

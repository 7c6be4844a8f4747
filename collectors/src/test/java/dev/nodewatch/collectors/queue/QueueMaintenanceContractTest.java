package dev.nodewatch.collectors.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.runtime.Component;
import dev.nodewatch.collectors.runtime.ComponentContract;
import dev.nodewatch.collectors.runtime.Threads;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

class QueueMaintenanceContractTest extends ComponentContract {

  @TempDir
  Path dir;

  private LogQueue queue;
  private final java.util.Set<Thread> before = Threads.named("nodewatch-queue-maintenance");

  @Override
  protected Component newComponent() throws Exception {
    queue = LogQueue.open(dir, new QueueConfig(dev.nodewatch.collectors.config.ByteSize.parse("16MiB"),
        WhenFull.BLOCK), "node", 1 << 20);
    return new QueueMaintenance(queue);
  }

  @Override
  protected void assertReleased() throws Exception {
    assertThat(Threads.newSince(before, "nodewatch-queue-maintenance")).isEmpty();
  }

  @AfterEach
  void close() {
    queue.close();
  }
}

package dev.nodewatch.exporters.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.config.ByteSize;
import dev.nodewatch.collectors.queue.LogQueue;
import dev.nodewatch.collectors.queue.QueueConfig;
import dev.nodewatch.collectors.queue.QueueReader;
import dev.nodewatch.collectors.queue.WhenFull;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against a real queue reader, whose committed index is what a restart resumes after. */
class InOrderAcksTest {

  @TempDir
  Path dir;

  @Test
  void aBatchDoneEarlyWaitsForThoseBeforeItAndTheIndexNeverPassesAGap() throws Exception {
    try (LogQueue queue = LogQueue.open(dir, new QueueConfig(ByteSize.parse("16MiB"), WhenFull.BLOCK), "n", 1 << 20)) {
      QueueReader reader = queue.reader("sink");
      InOrderAcks acks = new InOrderAcks(reader);
      InOrderAcks.Ticket first = acks.polled(10);
      InOrderAcks.Ticket second = acks.polled(20);
      InOrderAcks.Ticket third = acks.polled(30);
      acks.done(third);
      acks.done(second);
      assertThat(reader.committedIndex()).as("the first is still in flight").isZero();
      assertThat(acks.inFlight()).isEqualTo(3);
      acks.done(first);
      assertThat(reader.committedIndex()).isEqualTo(30);
      assertThat(acks.inFlight()).isZero();
      InOrderAcks.Ticket fourth = acks.polled(40);
      acks.done(fourth);
      assertThat(reader.committedIndex()).isEqualTo(40);
    }
  }
}

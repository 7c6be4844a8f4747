package dev.nodewatch.exporters.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.exporters.testing.SampleRecords;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

class BatchBisectorTest {

  private final SinkMetrics metrics = new SinkMetrics(new SimpleMeterRegistry(), "bisected");
  private final BatchBisector bisector = new BatchBisector(metrics);
  private static final SinkException TYPE_ERROR = SinkException.refusedShape("clickhouse-6", "cannot parse");

  /** A sink that refuses the records {@code refuses} names with {@code error}, and keeps what it was sent. */
  private static final class Refusing implements Sink {
    final List<Integer> sizes = new ArrayList<>();
    final IntPredicate refuses;
    final SinkException error;

    Refusing(IntPredicate refuses, SinkException error) {
      this.refuses = refuses;
      this.error = error;
    }

    @Override
    public List<Rejection> send(SinkBatch batch) throws SinkException {
      sizes.add(batch.size());
      if (batch.records().stream().anyMatch(r -> refuses.test((int) r.offset()))) {
        throw error;
      }
      return List.of();
    }

    @Override
    public String check() {
      return "ok";
    }

    @Override
    public void close() {}
  }

  @Test
  void aSinkRefusingTheFirstMiddleAndLastRecordWithTheBatchsErrorRefusesEverything() {
    Refusing sink = new Refusing(i -> true, TYPE_ERROR);
    assertThat(bisector.probe(sink, SampleRecords.batch(0, 100), TYPE_ERROR)).isEqualTo(BatchBisector.ALL_REFUSED);
    assertThat(sink.sizes).containsExactly(1, 1, 1);
    assertThat(metrics.sentEvents()).isZero();
  }

  @Test
  void aProbeTheSinkTakesIsSentAndTheRestGoesAroundIt() {
    Refusing sink = new Refusing(i -> i < 50, TYPE_ERROR);
    SinkBatch batch = SampleRecords.batch(0, 100);
    int accepted = bisector.probe(sink, batch, TYPE_ERROR);
    assertThat(accepted).isEqualTo(50);
    assertThat(metrics.sentEvents()).isEqualTo(1);
    SinkBatch[] parts = BatchBisector.parts(batch, accepted);
    assertThat(parts[0].size()).isEqualTo(50);
    assertThat(parts[1].size()).isEqualTo(49);
    assertThat(parts[1].records().get(0).offset()).isEqualTo(51);
  }

  @Test
  void anotherErrorOnAProbeMeansTheRecordsDifferAndTheBatchIsSplit() {
    Refusing sink = new Refusing(i -> true, SinkException.refusedShape("clickhouse-53", "type mismatch"));
    assertThat(bisector.probe(sink, SampleRecords.batch(0, 100), TYPE_ERROR)).isEqualTo(BatchBisector.NOT_PROBED);
    assertThat(sink.sizes).containsExactly(1);
  }

  @Test
  void smallBatchesAndRefusalsWithoutAMismatchAreNotProbed() {
    Refusing sink = new Refusing(i -> true, TYPE_ERROR);
    assertThat(bisector.probe(sink, SampleRecords.batch(0, BatchBisector.PROBED_BATCH - 1), TYPE_ERROR))
        .isEqualTo(BatchBisector.NOT_PROBED);
    assertThat(bisector.probe(sink, SampleRecords.batch(0, 100), SinkException.permanent("rejected", "400", null)))
        .isEqualTo(BatchBisector.NOT_PROBED);
    assertThat(sink.sizes).isEmpty();
  }

  @Test
  void halvesCoverTheBatchOnce() {
    SinkBatch[] halves = BatchBisector.parts(SampleRecords.batch(0, 7), BatchBisector.NOT_PROBED);
    assertThat(halves[0].size() + halves[1].size()).isEqualTo(7);
    assertThat(halves[0].records().get(halves[0].size() - 1).offset() + 1)
        .isEqualTo(halves[1].records().get(0).offset());
  }

  @Test
  void aBatchRefusedForItsSizeIsHalvedAfterThreeRefusalsAndAtMostFourTimesDeep() {
    SinkException memory = SinkException.tooLarge("throttled", "memory limit");
    assertThat(BatchBisector.splitForSize(memory, 2, 1000, 0)).isFalse();
    assertThat(BatchBisector.splitForSize(memory, 3, 1000, 0)).isTrue();
    assertThat(BatchBisector.splitForSize(memory, 3, 1000, 3)).isTrue();
    assertThat(BatchBisector.splitForSize(memory, 3, 1000, 4)).isFalse();
    assertThat(BatchBisector.splitForSize(memory, 3, 1, 0)).isFalse();
    assertThat(BatchBisector.splitForSize(SinkException.retryable("http_5xx", "500", null), 9, 1000, 0)).isFalse();
  }
}

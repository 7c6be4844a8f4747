package dev.nodewatch.collectors.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.jna.NativeLong;
import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimexCollectorTest {

  @Test
  void theRealKernelClockStateIsReadAndSyncStatusFollowsTheUnsyncBit() throws Exception {
    List<MetricFamily> families = new TimexCollector(TimexCollector.system()).collect();
    assertThat(families).hasSize(17);
    double status = HostFixtures.value(families, "node_timex_status");
    double sync = HostFixtures.value(families, "node_timex_sync_status");
    // STA_UNSYNC (0x40) set means the kernel answers TIME_ERROR.
    assertThat(sync).isEqualTo(((long) status & 0x40) != 0 ? 0 : 1);
    assertThat(HostFixtures.value(families, "node_timex_tick_seconds")).isBetween(0.0009, 0.0101);
    assertThat(HostFixtures.byName(families).get("node_timex_pps_error_total").type()).isEqualTo(MetricType.COUNTER);
  }

  @Test
  void nanosecondModeAndScaledFrequenciesAreConverted() throws Exception {
    List<MetricFamily> families = new TimexCollector(t -> {
      t.status = 0x2000;
      t.offset = new NativeLong(1_500_000);
      t.freq = new NativeLong(65536L * 10);
      t.maxerror = new NativeLong(250_000);
      t.jitter = new NativeLong(2_000);
      t.tick = new NativeLong(10_000);
      return 0;
    }).collect();
    assertThat(HostFixtures.value(families, "node_timex_offset_seconds")).isEqualTo(0.0015);
    assertThat(HostFixtures.value(families, "node_timex_frequency_adjustment_ratio")).isEqualTo(1.00001);
    assertThat(HostFixtures.value(families, "node_timex_maxerror_seconds")).isEqualTo(0.25);
    assertThat(HostFixtures.value(families, "node_timex_pps_jitter_seconds")).isEqualTo(2e-6);
    assertThat(HostFixtures.value(families, "node_timex_sync_status")).isEqualTo(1);
  }

  @Test
  void aFailedCallFailsTheCollector() {
    assertThatThrownBy(() -> new TimexCollector(t -> -1).collect()).isInstanceOf(IOException.class);
  }
}

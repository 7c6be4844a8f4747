package dev.nodewatch.collectors.host;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Structure;
import dev.nodewatch.collectors.metrics.MetricCollector;
import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's clock discipline state from {@code adjtimex(2)} in read-only mode: whether NTP keeps the clock
 * synchronised, its offset and error bounds. {@code node_timex_sync_status 0} is what clock-skew alerts fire on.
 *
 * <pre>
 * # TYPE node_timex_offset_seconds gauge
 * node_timex_offset_seconds 0.000123
 * # TYPE node_timex_sync_status gauge
 * node_timex_sync_status 1
 * </pre>
 */
public final class TimexCollector implements MetricCollector {

  /** adjtimex's return value when the clock is not synchronised. */
  private static final int TIME_ERROR = 5;
  /** Status bit: offsets and jitter are in nanoseconds rather than microseconds. */
  private static final int STA_NANO = 0x2000;

  /** glibc's {@code struct timex} on 64-bit Linux; only read, never set ({@code modes = 0}). */
  public static final class Timex extends Structure {
    public int modes;
    public NativeLong offset;
    public NativeLong freq;
    public NativeLong maxerror;
    public NativeLong esterror;
    public int status;
    public NativeLong constant;
    public NativeLong precision;
    public NativeLong tolerance;
    public NativeLong timeSec;
    public NativeLong timeUsec;
    public NativeLong tick;
    public NativeLong ppsfreq;
    public NativeLong jitter;
    public int shift;
    public NativeLong stabil;
    public NativeLong jitcnt;
    public NativeLong calcnt;
    public NativeLong errcnt;
    public NativeLong stbcnt;
    public int tai;
    public int[] reserved = new int[11];

    @Override
    protected List<String> getFieldOrder() {
      return List.of("modes", "offset", "freq", "maxerror", "esterror", "status", "constant", "precision",
          "tolerance", "timeSec", "timeUsec", "tick", "ppsfreq", "jitter", "shift", "stabil", "jitcnt", "calcnt",
          "errcnt", "stbcnt", "tai", "reserved");
    }
  }

  /** The libc call, injectable for tests. */
  @FunctionalInterface
  public interface Adjtimex {
    /** Fills {@code t} and returns the clock state ({@link #TIME_ERROR} when unsynchronised), or -1. */
    int read(Timex t);
  }

  /**
   * libc by JNA's direct mapping, bound when first called (on the first scrape, not at start-up, where loading
   * JNA's native part would delay readiness).
   */
  private static final class DirectLibC {
    static {
      Native.register("c");
    }

    static native int adjtimex(Timex t);
  }

  /** The real {@code adjtimex(2)}. */
  public static Adjtimex system() {
    return DirectLibC::adjtimex;
  }

  private final Adjtimex adjtimex;

  public TimexCollector(Adjtimex adjtimex) {
    this.adjtimex = adjtimex;
  }

  @Override
  public String name() {
    return "timex";
  }

  @Override
  public List<MetricFamily> collect() throws IOException {
    Timex t = new Timex();
    int state = adjtimex.read(t);
    if (state < 0) {
      throw new IOException("adjtimex failed: errno " + Native.getLastError());
    }
    double divisor = (t.status & STA_NANO) != 0 ? 1e9 : 1e6;
    // freq, ppsfreq and stabil are parts per million with a 16-bit binary fraction.
    double ppm16 = 65536.0 * 1e6;
    List<MetricFamily> out = new ArrayList<>(17);
    gauge(out, "node_timex_offset_seconds", "Time offset to the reference clock.", t.offset.longValue() / divisor);
    gauge(out, "node_timex_frequency_adjustment_ratio", "Local clock frequency adjustment, as a ratio.",
        1 + t.freq.longValue() / ppm16);
    gauge(out, "node_timex_maxerror_seconds", "Maximum error bound.", t.maxerror.longValue() / 1e6);
    gauge(out, "node_timex_estimated_error_seconds", "Estimated error.", t.esterror.longValue() / 1e6);
    gauge(out, "node_timex_status", "Clock status bits (STA_*).", t.status);
    gauge(out, "node_timex_loop_time_constant", "Phase-locked loop time constant.", t.constant.longValue());
    gauge(out, "node_timex_tick_seconds", "Length of a clock tick.", t.tick.longValue() / 1e6);
    gauge(out, "node_timex_pps_frequency_hertz", "PPS signal frequency.", t.ppsfreq.longValue() / ppm16);
    gauge(out, "node_timex_pps_jitter_seconds", "PPS signal jitter.", t.jitter.longValue() / divisor);
    gauge(out, "node_timex_pps_shift_seconds", "PPS interval duration, as a power of two.", t.shift);
    gauge(out, "node_timex_pps_stability_hertz", "PPS signal stability.", t.stabil.longValue() / ppm16);
    counter(out, "node_timex_pps_jitter_total", "PPS signals dropped for jitter.", t.jitcnt.longValue());
    counter(out, "node_timex_pps_calibration_total", "PPS calibration intervals.", t.calcnt.longValue());
    counter(out, "node_timex_pps_error_total", "PPS calibration errors.", t.errcnt.longValue());
    counter(out, "node_timex_pps_stability_exceeded_total", "PPS stability limit exceeded.", t.stbcnt.longValue());
    gauge(out, "node_timex_tai_offset_seconds", "International Atomic Time offset.", t.tai);
    gauge(out, "node_timex_sync_status", "1 when the clock is synchronised to a reliable server.",
        state == TIME_ERROR ? 0 : 1);
    return out;
  }

  private static void gauge(List<MetricFamily> out, String name, String help, double value) {
    out.add(MetricFamily.single(name, MetricType.GAUGE, help, value));
  }

  private static void counter(List<MetricFamily> out, String name, String help, double value) {
    out.add(MetricFamily.single(name, MetricType.COUNTER, help, value));
  }
}

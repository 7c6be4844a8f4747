package dev.nodewatch.collectors.cgroup;

import dev.nodewatch.collectors.metrics.KernelFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Whether the host has any swap space, from {@code <procfs>/swaps} (a header line, then one line per swap area),
 * looked at once a second at most. Most Kubernetes nodes run without swap; there every cgroup's swap usage is 0 and
 * reading {@code memory.swap.current} for each of a thousand cgroups per scrape would only confirm it.
 */
public final class HostSwap implements BooleanSupplier {

  private static final long RECHECK_NANOS = 1_000_000_000L;

  private final Path swaps;
  private final LongSupplier nanoTime;
  private volatile long checkedAt;
  private volatile boolean enabled = true;
  private volatile boolean checked;

  public HostSwap(Path procfs, LongSupplier nanoTime) {
    this.swaps = procfs.resolve("swaps");
    this.nanoTime = nanoTime;
  }

  /** True when swap is on, or when {@code swaps} cannot be read (then nothing is assumed away). */
  @Override
  public boolean getAsBoolean() {
    long now = nanoTime.getAsLong();
    if (!checked || now - checkedAt >= RECHECK_NANOS) {
      String text;
      try {
        text = KernelFiles.asciiOrNull(swaps);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      enabled = text == null || text.strip().lines().count() > 1;
      checkedAt = now;
      checked = true;
    }
    return enabled;
  }
}

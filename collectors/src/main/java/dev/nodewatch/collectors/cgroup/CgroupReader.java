package dev.nodewatch.collectors.cgroup;

import java.io.IOException;
import java.nio.file.Path;

/** Reads one cgroup, by its path relative to the hierarchy root, from whichever cgroup version the node runs. */
public interface CgroupReader {

  /** Usage counters: read on every collection. */
  CgroupStats stats(Path relative) throws IOException;

  /** Limits and creation time: read when a cgroup is first seen and every {@code spec_refresh} after. */
  CgroupSpec spec(Path relative) throws IOException;

  /** @param hostHasSwap see {@link HostSwap}; v1 reads swap from files it reads anyway */
  static CgroupReader forLayout(CgroupLayout layout, dev.nodewatch.collectors.metrics.SkippedLines skipped,
      java.util.function.BooleanSupplier hostHasSwap) {
    return layout.isUnified()
        ? new CgroupV2Reader(layout.root(), skipped, hostHasSwap)
        : new CgroupV1Reader(layout, skipped);
  }
}

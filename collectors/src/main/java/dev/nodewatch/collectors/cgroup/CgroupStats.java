package dev.nodewatch.collectors.cgroup;

import java.util.List;

/**
 * One cgroup's usage at one moment, in the units cAdvisor exposes (nanoseconds, bytes, counts) whatever the cgroup
 * version wrote. A null field means the kernel gave no value: the controller is not enabled, the file does not exist
 * on this kernel, or the cgroup vanished while it was read. Limits are in {@link CgroupSpec}, read less often.
 */
public record CgroupStats(Cpu cpu, Memory memory, Pids pids, List<DeviceIo> io) {

  public CgroupStats {
    io = List.copyOf(io);
  }

  /** CPU time and CFS throttling. */
  public record Cpu(Long usageNanos, Long userNanos, Long systemNanos, Long periods, Long throttledPeriods,
      Long throttledNanos) {}

  /** Memory usage, v1 names (v2 {@code anon} is {@code rss}, {@code file} is {@code cache}). */
  public record Memory(Long usageBytes, Long maxUsageBytes, Long failcnt, Long rssBytes, Long cacheBytes,
      Long mappedFileBytes, Long inactiveFileBytes, Long swapBytes, Long oomKills) {

    /**
     * cAdvisor's working set: usage minus inactive file pages (reclaimable without I/O), never below zero; null when
     * usage is unknown.
     */
    public Long workingSetBytes() {
      if (usageBytes == null) {
        return null;
      }
      long inactive = inactiveFileBytes == null ? 0 : inactiveFileBytes;
      return Math.max(0, usageBytes - inactive);
    }
  }

  /**
   * Processes directly in the cgroup (its {@code cgroup.procs}; the collector adds a pod's containers to the pod),
   * tasks (threads) charged to it and below ({@code pids.current}), and one of its processes, whose network
   * namespace is the pod's; {@code anyPid} is null when the cgroup holds no process.
   */
  public record Pids(Long processes, Long current, Long anyPid) {}

  /** Bytes and operations read and written on one block device. */
  public record DeviceIo(int major, int minor, long readBytes, long writeBytes, long reads, long writes) {

    public String device() {
      return major + ":" + minor;
    }
  }
}

package dev.nodewatch.collectors.cgroup;

/**
 * A cgroup's limits and creation time: what cAdvisor calls the container spec. Limits change only when a pod is
 * resized, so the collector reads them every {@code containers.spec_refresh} rather than on every scrape (cAdvisor
 * refreshes its spec at most every 5 s for the same reason). 0 means unlimited, as in cAdvisor's
 * {@code container_spec_*} metrics; null means the controller gave no value.
 *
 * @param cpuShares cgroup v1 shares (v2 weights converted back)
 * @param createdSeconds when the cgroup directory was created (its modification time, as cAdvisor reports the start
 *     time; a pod cgroup's moves when a container cgroup is created under it), in seconds since the epoch
 */
public record CgroupSpec(Long cpuQuotaMicros, Long cpuPeriodMicros, Long cpuShares, Long memoryLimitBytes,
    Long memoryReservationBytes, Long swapLimitBytes, Long pidsMax, Double createdSeconds) {}

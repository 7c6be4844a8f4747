package dev.nodewatch.collectors.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.util.List;
import org.junit.jupiter.api.Test;

class SockstatCollectorTest {

  private final SkippedLines skipped = new SkippedLines();

  private List<MetricFamily> collect(String fixture) throws Exception {
    return new SockstatCollector(HostFixtures.paths(fixture), skipped).collect();
  }

  @Test
  void everyKnownKeyOfBothFilesIsAGaugeNamedLikeNodeExporter() throws Exception {
    List<MetricFamily> families = collect("basic");
    assertThat(families).extracting(MetricFamily::name).containsExactlyInAnyOrder("node_sockstat_sockets_used",
        "node_sockstat_TCP_inuse", "node_sockstat_TCP_orphan", "node_sockstat_TCP_tw", "node_sockstat_TCP_alloc",
        "node_sockstat_TCP_mem", "node_sockstat_TCP_mem_bytes", "node_sockstat_UDP_inuse", "node_sockstat_UDP_mem",
        "node_sockstat_UDP_mem_bytes", "node_sockstat_UDPLITE_inuse", "node_sockstat_RAW_inuse",
        "node_sockstat_FRAG_inuse", "node_sockstat_FRAG_memory", "node_sockstat_TCP6_inuse",
        "node_sockstat_UDP6_inuse", "node_sockstat_UDPLITE6_inuse", "node_sockstat_RAW6_inuse",
        "node_sockstat_FRAG6_inuse", "node_sockstat_FRAG6_memory");
    assertThat(families).extracting(MetricFamily::type).containsOnly(MetricType.GAUGE);
    assertThat(HostFixtures.value(families, "node_sockstat_sockets_used")).isEqualTo(12);
    assertThat(HostFixtures.value(families, "node_sockstat_TCP_inuse")).isEqualTo(2);
    assertThat(HostFixtures.value(families, "node_sockstat_TCP_alloc")).isEqualTo(2);
    assertThat(HostFixtures.value(families, "node_sockstat_TCP_mem")).isEqualTo(85);
    assertThat(skipped.count("sockstat")).isZero();
  }

  @Test
  void memBytesIsPagesTimesFourKibByDefault() throws Exception {
    assertThat(HostFixtures.value(collect("basic"), "node_sockstat_TCP_mem_bytes")).isEqualTo(85 * 4096.0);
  }

  @Test
  void memBytesUsesTheGivenPageSizeOnLargePageKernels() throws Exception {
    List<MetricFamily> families = new SockstatCollector(HostFixtures.paths("basic"), skipped, 65536).collect();
    assertThat(HostFixtures.value(families, "node_sockstat_TCP_mem_bytes")).isEqualTo(85 * 65536.0);
  }

  @Test
  void withoutIpv6OnlyTheIpv4FileIsReadFromTheFallbackPath() throws Exception {
    List<MetricFamily> families = collect("legacy-kernel");
    assertThat(families).extracting(MetricFamily::name).noneMatch(n -> n.contains("6_"));
    assertThat(HostFixtures.value(families, "node_sockstat_sockets_used")).isEqualTo(290);
    assertThat(HostFixtures.value(families, "node_sockstat_TCP_tw")).isEqualTo(3);
    assertThat(HostFixtures.value(families, "node_sockstat_UDP_mem_bytes")).isEqualTo(4096);
  }

  @Test
  void garbageLinesAreSkippedAndCounted() throws Exception {
    List<MetricFamily> families = collect("garbage");
    assertThat(families).extracting(MetricFamily::name).containsExactlyInAnyOrder("node_sockstat_sockets_used",
        "node_sockstat_RAW_inuse", "node_sockstat_TCP6_inuse", "node_sockstat_TCP6_mem",
        "node_sockstat_TCP6_mem_bytes");
    assertThat(HostFixtures.value(families, "node_sockstat_sockets_used")).isEqualTo(7);
    assertThat(HostFixtures.value(families, "node_sockstat_TCP6_mem_bytes")).isEqualTo(3 * 4096.0);
    // "TCP: inuse 3 orphan" (odd pairs), "UDP: inuse lots", "garbage", "FRAG6 inuse…" (no colon).
    assertThat(skipped.count("sockstat")).isEqualTo(4);
  }

  @Test
  void missingFilesGiveNothing() throws Exception {
    assertThat(collect("empty")).isEmpty();
  }
}

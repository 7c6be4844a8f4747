package dev.nodewatch.collectors.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class NetstatCollectorTest {

  /** What node_exporter 1.5 exposed for the basic fixture's files. */
  private static final List<String> NODE_EXPORTER_BASIC = List.of("node_netstat_Icmp6_InErrors",
      "node_netstat_Icmp6_InMsgs", "node_netstat_Icmp6_OutMsgs", "node_netstat_Icmp_InErrors",
      "node_netstat_Icmp_InMsgs", "node_netstat_Icmp_OutMsgs", "node_netstat_Ip6_InOctets",
      "node_netstat_Ip6_OutOctets", "node_netstat_IpExt_InOctets", "node_netstat_IpExt_OutOctets",
      "node_netstat_Ip_Forwarding", "node_netstat_TcpExt_ListenDrops", "node_netstat_TcpExt_ListenOverflows",
      "node_netstat_TcpExt_SyncookiesFailed", "node_netstat_TcpExt_SyncookiesRecv",
      "node_netstat_TcpExt_SyncookiesSent", "node_netstat_TcpExt_TCPSynRetrans", "node_netstat_TcpExt_TCPTimeouts",
      "node_netstat_Tcp_ActiveOpens", "node_netstat_Tcp_CurrEstab", "node_netstat_Tcp_InErrs",
      "node_netstat_Tcp_InSegs", "node_netstat_Tcp_OutRsts", "node_netstat_Tcp_OutSegs",
      "node_netstat_Tcp_PassiveOpens", "node_netstat_Tcp_RetransSegs", "node_netstat_Udp6_InDatagrams",
      "node_netstat_Udp6_InErrors", "node_netstat_Udp6_NoPorts", "node_netstat_Udp6_OutDatagrams",
      "node_netstat_Udp6_RcvbufErrors", "node_netstat_Udp6_SndbufErrors", "node_netstat_UdpLite6_InErrors",
      "node_netstat_UdpLite_InErrors", "node_netstat_Udp_InDatagrams", "node_netstat_Udp_InErrors",
      "node_netstat_Udp_NoPorts", "node_netstat_Udp_OutDatagrams", "node_netstat_Udp_RcvbufErrors",
      "node_netstat_Udp_SndbufErrors");

  private final SkippedLines skipped = new SkippedLines();

  private List<MetricFamily> collect(String fixture) throws Exception {
    return new NetstatCollector(HostFixtures.paths(fixture), skipped).collect();
  }

  @Test
  void theDefaultFieldPatternSelectsExactlyWhatNodeExporterExposes() throws Exception {
    List<MetricFamily> families = collect("basic");
    assertThat(families).extracting(MetricFamily::name).containsExactlyInAnyOrderElementsOf(NODE_EXPORTER_BASIC);
    assertThat(families).extracting(MetricFamily::type).containsOnly(MetricType.UNTYPED);
    assertThat(families).extracting(MetricFamily::labelNames).containsOnly(List.of());
    assertThat(skipped.count("netstat")).isZero();
  }

  @Test
  void valuesComeFromNetstatSnmpAndSnmp6() throws Exception {
    List<MetricFamily> families = collect("basic");
    assertThat(HostFixtures.value(families, "node_netstat_TcpExt_TCPTimeouts")).isEqualTo(2);
    assertThat(HostFixtures.value(families, "node_netstat_IpExt_InOctets")).isEqualTo(468079427);
    assertThat(HostFixtures.value(families, "node_netstat_Ip_Forwarding")).isEqualTo(2);
    assertThat(HostFixtures.value(families, "node_netstat_Tcp_ActiveOpens")).isEqualTo(3252);
    assertThat(HostFixtures.value(families, "node_netstat_Tcp_RetransSegs")).isEqualTo(17);
    assertThat(HostFixtures.value(families, "node_netstat_Udp_OutDatagrams")).isEqualTo(44);
    assertThat(HostFixtures.value(families, "node_netstat_Ip6_OutOctets")).isEqualTo(12080);
    assertThat(HostFixtures.value(families, "node_netstat_Icmp6_OutMsgs")).isEqualTo(9);
  }

  @Test
  void theFieldPatternIsASettingAndNegativeValuesAreKept() throws Exception {
    List<MetricFamily> families =
        new NetstatCollector(HostFixtures.paths("basic"), skipped, Pattern.compile("^Tcp_(MaxConn|RtoMax)$"))
            .collect();
    assertThat(families).extracting(MetricFamily::name)
        .containsExactlyInAnyOrder("node_netstat_Tcp_MaxConn", "node_netstat_Tcp_RtoMax");
    assertThat(HostFixtures.value(families, "node_netstat_Tcp_MaxConn")).isEqualTo(-1);
    assertThat(HostFixtures.value(families, "node_netstat_Tcp_RtoMax")).isEqualTo(120000);
  }

  @Test
  void repeatedScrapesGiveTheSameResult() throws Exception {
    NetstatCollector collector = new NetstatCollector(HostFixtures.paths("basic"), skipped);
    List<MetricFamily> first = collector.collect();
    assertThat(collector.collect()).isEqualTo(first);
  }

  @Test
  void withoutPidOnesFilesAndWithoutIpv6TheRestIsStillRead() throws Exception {
    List<MetricFamily> families = collect("legacy-kernel");
    assertThat(families).extracting(MetricFamily::name)
        .noneMatch(n -> n.startsWith("node_netstat_Ip6_") || n.startsWith("node_netstat_Icmp6_")
            || n.startsWith("node_netstat_Udp6_") || n.startsWith("node_netstat_UdpLite6_"));
    assertThat(HostFixtures.value(families, "node_netstat_TcpExt_ListenOverflows")).isEqualTo(12);
    assertThat(HostFixtures.value(families, "node_netstat_TcpExt_ListenDrops")).isEqualTo(14);
    assertThat(HostFixtures.value(families, "node_netstat_TcpExt_TCPSynRetrans")).isEqualTo(25);
    assertThat(HostFixtures.value(families, "node_netstat_IpExt_OutOctets")).isEqualTo(398211410);
    assertThat(HostFixtures.value(families, "node_netstat_Ip_Forwarding")).isEqualTo(1);
    assertThat(HostFixtures.value(families, "node_netstat_Tcp_InErrs")).isEqualTo(3);
    assertThat(HostFixtures.value(families, "node_netstat_Icmp_OutMsgs")).isEqualTo(46);
    assertThat(skipped.count("netstat")).isZero();
  }

  @Test
  void garbageLinesAndMismatchedPairsAreSkippedAndCountedWithoutLosingTheRest() throws Exception {
    List<MetricFamily> families = collect("garbage");
    assertThat(families).extracting(MetricFamily::name).containsExactlyInAnyOrder("node_netstat_IpExt_InOctets",
        "node_netstat_IpExt_OutOctets", "node_netstat_Udp_InDatagrams", "node_netstat_Udp_NoPorts",
        "node_netstat_Udp_InErrors", "node_netstat_Ip6_InOctets", "node_netstat_Icmp6_InMsgs");
    assertThat(HostFixtures.value(families, "node_netstat_IpExt_InOctets")).isEqualTo(1000);
    assertThat(HostFixtures.value(families, "node_netstat_Udp_InErrors")).isEqualTo(1);
    assertThat(HostFixtures.value(families, "node_netstat_Icmp6_InMsgs")).isEqualTo(7);
    // netstat: a garbage line, a TcpExt pair with 3 values for 4 fields; snmp: a Tcp value "x", an Icmp header
    // with no values; snmp6: a name without value, a name without a protocol, a value "lots".
    assertThat(skipped.count("netstat")).isEqualTo(7);
  }

  @Test
  void missingFilesGiveNothing() throws Exception {
    assertThat(collect("empty")).isEmpty();
  }
}

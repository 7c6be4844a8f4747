package dev.nodewatch.collectors.cgroup;

import dev.nodewatch.collectors.host.NetDevTable;
import dev.nodewatch.collectors.metrics.KernelFiles;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A pod's network counters, read from {@code <procfs>/<pid>/net/dev} of one of its processes: every container of a
 * pod shares the pod's network namespace, so any process will do. Needs the host's PID namespace (hostPID) to see
 * the pods' processes. The loopback interface is left out, as cAdvisor does.
 *
 * <p>A pod on the host network would report the node's own interfaces as its traffic, and every such pod would
 * repeat them; those pods get no network series (the host's are in {@code node_network_*}). They are recognised by
 * their spec ({@code hostNetwork}, from the kubelet) or, without one, by their network namespace link being PID 1's.
 */
public final class PodNetwork {

  /** One interface's counters, as cAdvisor exposes them. */
  public record Interface(String name, long rxBytes, long rxPackets, long rxDropped, long rxErrors, long txBytes,
      long txPackets, long txDropped, long txErrors) {}

  private final Path procfs;
  private final SkippedLines skipped;

  public PodNetwork(Path procfs, SkippedLines skipped) {
    this.procfs = procfs;
    this.skipped = skipped;
  }

  /**
   * The interfaces of {@code pid}'s network namespace; empty when the process is gone or shares the host's.
   *
   * @param hostNetwork the pod spec's {@code hostNetwork} when known (from the kubelet); when empty, the namespace
   *     links are compared, which needs permission to inspect PID 1 (CAP_SYS_PTRACE) and counts as "not the host's"
   *     without it
   */
  public List<Interface> read(long pid, Optional<Boolean> hostNetwork) throws IOException {
    Path process = procfs.resolve(Long.toString(pid));
    if (hostNetwork.orElseGet(() -> isHostNamespace(process))) {
      return List.of();
    }
    String text = KernelFiles.asciiOrNull(process.resolve("net/dev"));
    List<Interface> out = new ArrayList<>(2);
    if (text == null) {
      return out;
    }
    int garbage = NetDevTable.parse(text, (device, c) -> {
      if (!device.equals("lo")) {
        out.add(new Interface(device, c[NetDevTable.RX_BYTES], c[NetDevTable.RX_PACKETS], c[NetDevTable.RX_DROPPED],
            c[NetDevTable.RX_ERRORS], c[NetDevTable.TX_BYTES], c[NetDevTable.TX_PACKETS], c[NetDevTable.TX_DROPPED],
            c[NetDevTable.TX_ERRORS]));
      }
    });
    for (int i = 0; i < garbage; i++) {
      skipped.add(CgroupFiles.COLLECTOR);
    }
    return out;
  }

  private boolean isHostNamespace(Path process) {
    try {
      Path mine = Files.readSymbolicLink(process.resolve("ns/net"));
      return mine.equals(Files.readSymbolicLink(procfs.resolve("1/ns/net")));
    } catch (IOException | UnsupportedOperationException e) {
      return false; // cannot tell (permission, fixture without links): report what net/dev says
    }
  }
}

package dev.nodewatch.collectors.host;

import dev.nodewatch.collectors.metrics.MetricCollector;
import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Per-interface traffic and error counters of the host's network namespace, as node_exporter 1.5's netdev collector
 * exposes them: {@code node_network_receive_*_total} and {@code node_network_transmit_*_total} with a
 * {@code device} label.
 *
 * <p>The counters come from {@code <procfs>/1/net/dev}: PID 1 lives in the host's namespace while this agent's pod
 * may not, and {@code <procfs>/net} is the reader's own namespace. {@code <procfs>/net/dev} is the fallback where
 * there is no PID 1 file. node_exporter 1.5 reads the same kernel counters over netlink by default, which adds
 * {@code node_network_receive_nohandler_total}; /proc/net/dev lacks that one, so it is read from
 * {@code <sysfs>/class/net/<device>/statistics/rx_nohandler} (kernels 4.6+) where present. The /proc/net/dev
 * columns already fold the detailed error counters the way node_exporter's netlink path folds them (drops include
 * missed, frame errors include length/overrun/CRC, carrier includes aborted/heartbeat/window), so values agree.
 *
 * <p>Every interface is exposed by default, as upstream node_exporter does; an exclusion pattern (node_exporter's
 * {@code --collector.netdev.device-exclude}) can leave some out, e.g. the pods' {@code veth} pairs.
 *
 * <pre>
 * # TYPE node_network_receive_bytes_total counter
 * node_network_receive_bytes_total{device="eth0"} 1.03547738e+08
 * # TYPE node_network_transmit_drop_total counter
 * node_network_transmit_drop_total{device="eth0"} 0
 * </pre>
 */
public final class NetdevCollector implements MetricCollector {

  private static final int COLUMNS = NetDevTable.COLUMNS;
  /** The 16 columns of /proc/net/dev after the interface name, in order. */
  private static final String[] NAMES = {
      "node_network_receive_bytes_total", "node_network_receive_packets_total", "node_network_receive_errs_total",
      "node_network_receive_drop_total", "node_network_receive_fifo_total", "node_network_receive_frame_total",
      "node_network_receive_compressed_total", "node_network_receive_multicast_total",
      "node_network_transmit_bytes_total", "node_network_transmit_packets_total", "node_network_transmit_errs_total",
      "node_network_transmit_drop_total", "node_network_transmit_fifo_total", "node_network_transmit_colls_total",
      "node_network_transmit_carrier_total", "node_network_transmit_compressed_total"};
  private static final String[] HELPS = {
      "Bytes received on the interface.", "Packets received on the interface.",
      "Receive errors the driver reported.", "Received packets dropped, including those the NIC missed.",
      "Receive FIFO overruns.", "Receive framing errors, including length, overrun and CRC errors.",
      "Compressed packets received (cslip and the like).", "Multicast packets received.",
      "Bytes sent on the interface.", "Packets sent on the interface.", "Transmit errors the driver reported.",
      "Outgoing packets dropped.", "Transmit FIFO errors.", "Collisions detected while sending.",
      "Carrier errors while sending, including aborted, heartbeat and window errors.",
      "Compressed packets sent (cslip and the like)."};

  private final HostPaths paths;
  private final SkippedLines skipped;
  private final Pattern deviceExclude;

  /** Every interface, as node_exporter does without {@code --collector.netdev.device-exclude}. */
  public NetdevCollector(HostPaths paths, SkippedLines skipped) {
    this(paths, skipped, null);
  }

  /** @param deviceExclude interfaces whose name it finds are left out; {@code null} keeps them all */
  public NetdevCollector(HostPaths paths, SkippedLines skipped, Pattern deviceExclude) {
    this.paths = paths;
    this.skipped = skipped;
    this.deviceExclude = deviceExclude;
  }

  @Override
  public String name() {
    return "netdev";
  }

  @Override
  public List<MetricFamily> collect() throws IOException {
    List<MetricFamily> out = new ArrayList<>(COLUMNS + 1);
    String text = HostNetFiles.ascii(paths, "dev");
    if (text == null) {
      return out;
    }
    MetricFamily.Builder[] families = new MetricFamily.Builder[COLUMNS];
    for (int i = 0; i < COLUMNS; i++) {
      families[i] = MetricFamily.counter(NAMES[i], HELPS[i], "device");
    }
    MetricFamily.Builder nohandler = MetricFamily.counter("node_network_receive_nohandler_total",
        "Packets received that no protocol handler took (e.g. for a protocol not loaded).", "device");
    ByteBuffer buffer = ByteBuffer.allocate(64);
    int garbage = NetDevTable.parse(text, (device, values) -> {
      if (deviceExclude != null && deviceExclude.matcher(device).find()) {
        return;
      }
      for (int i = 0; i < COLUMNS; i++) {
        families[i].add(KernelText.unsignedToDouble(values[i]), device);
      }
      long noHandler = sysfsCounter(paths.sys("class/net/" + device + "/statistics/rx_nohandler"), buffer);
      if (noHandler >= 0) {
        nohandler.add(noHandler, device);
      }
    });
    for (int i = 0; i < garbage; i++) {
      skipped.add(name());
    }
    for (MetricFamily.Builder family : families) {
      family.addTo(out);
    }
    nohandler.addTo(out);
    return out;
  }

  /**
   * A sysfs statistics counter, or -1 when the kernel has none for this device (older kernels, an interface gone
   * since /proc/net/dev was read); such a device simply has no sample, as it would have no netlink attribute.
   */
  private long sysfsCounter(Path file, ByteBuffer buffer) {
    buffer.clear();
    try (FileChannel channel = FileChannel.open(file)) {
      int n;
      do {
        n = channel.read(buffer);
      } while (n > 0 && buffer.hasRemaining());
    } catch (IOException absent) {
      return -1;
    }
    long value = 0;
    int digits = 0;
    for (int i = 0; i < buffer.position(); i++) {
      byte b = buffer.get(i);
      if (b >= '0' && b <= '9' && digits < 19) {
        value = value * 10 + (b - '0');
        digits++;
      } else if (b == '\n' && digits > 0) {
        return value;
      } else {
        skipped.add(name());
        return -1;
      }
    }
    if (digits == 0) {
      skipped.add(name());
      return -1;
    }
    return value;
  }
}

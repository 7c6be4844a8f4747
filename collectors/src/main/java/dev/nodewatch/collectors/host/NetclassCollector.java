package dev.nodewatch.collectors.host;

import dev.nodewatch.collectors.metrics.MetricCollector;
import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Link state and configuration of every network interface from {@code <sysfs>/class/net/<iface>/}, named as
 * node_exporter 1.5's netclass collector names them, one series per interface ({@code device} label):
 * {@code node_network_up} (1 when operstate is {@code up}), {@code node_network_info} (address, broadcast, duplex,
 * ifalias and operstate as labels, value 1) and one gauge or counter per numeric attribute: MTU, speed in bytes per
 * second, carrier and its change counters, interface index and link, flags, ARP protocol type, queue length and the
 * rest. Alerts on link flaps, speed mismatches or MTU drift are written against these.
 *
 * <p>{@code <sysfs>/class/net} entries are symlinks into {@code /sys/devices}; they are followed. Regular files there
 * ({@code bonding_masters}) are not interfaces and are passed over. The kernel refuses some attributes while a link is
 * down or for virtual devices (EINVAL on {@code speed}, {@code duplex}, {@code carrier}…): such an attribute is
 * simply absent, as in node_exporter, so its family lacks that interface; info labels it would fill are empty. A value
 * that is not a number is skipped and counted. Numbers written in hex ({@code flags}, {@code dev_id}) are read as
 * such. A speed of -1 (unknown) is exposed as -125000, as node_exporter 1.5 does by default.
 *
 * <pre>
 * # TYPE node_network_up gauge
 * node_network_up{device="eth0"} 1
 * # TYPE node_network_info gauge
 * node_network_info{address="02:fc:00:00:00:01",broadcast="ff:ff:ff:ff:ff:ff",device="eth0",duplex="unknown",ifalias="",operstate="up"} 1
 * # TYPE node_network_mtu_bytes gauge
 * node_network_mtu_bytes{device="eth0"} 1400
 * </pre>
 */
public final class NetclassCollector implements MetricCollector {

  /** Numeric attributes, in the order of {@link #NAMES}, {@link #HELPS} and {@link #COUNTER}. */
  private static final String[] ATTRIBUTES = {
      "addr_assign_type", "carrier", "carrier_changes", "carrier_up_count", "carrier_down_count", "dev_id",
      "dormant", "flags", "ifindex", "iflink", "link_mode", "mtu", "name_assign_type", "netdev_group", "speed",
      "tx_queue_len", "type"};
  private static final String[] NAMES = {
      "node_network_address_assign_type", "node_network_carrier", "node_network_carrier_changes_total",
      "node_network_carrier_up_changes_total", "node_network_carrier_down_changes_total", "node_network_device_id",
      "node_network_dormant", "node_network_flags", "node_network_iface_id", "node_network_iface_link",
      "node_network_iface_link_mode", "node_network_mtu_bytes", "node_network_name_assign_type",
      "node_network_net_dev_group", "node_network_speed_bytes", "node_network_transmit_queue_length",
      "node_network_protocol_type"};
  private static final String[] HELPS = {
      "How the interface's hardware address was assigned (0 permanent, 1 random, 2 stolen, 3 set).",
      "1 if the physical link is up.", "Times the link went up or down since the interface appeared.",
      "Times the link came up.", "Times the link went down.", "Device port among ports sharing one address.",
      "1 if the interface is dormant (RFC 2863).", "Interface flags (IFF_*) as a bit field.",
      "Kernel interface index.", "Index of the interface this one is linked to (its own for physical ones).",
      "Link mode (0 default, 1 dormant).", "Largest packet the interface sends, in bytes.",
      "How the interface got its name (1 enumerated, 2 predictable, 3 by user, 4 renamed).",
      "Interface group number.", "Link speed in bytes per second (-125000 when the driver reports unknown).",
      "Transmit queue length in packets.", "ARP hardware type (1 Ethernet, 772 loopback…)."};
  private static final boolean[] COUNTER = {
      false, false, true, true, true, false, false, false, false, false, false, false, false, false, false, false,
      false};
  private static final int SPEED = 14;
  /** Mbit/s to bytes/s: 1,000,000 / 8. */
  private static final long SPEED_BYTES_PER_MBIT = 125_000;
  /** sysfs attributes are at most one page. */
  private static final int ATTRIBUTE_MAX = 4096;

  private final HostPaths paths;
  private final SkippedLines skipped;
  private final Pattern deviceExclude;

  /** Every interface, as node_exporter does by default. */
  public NetclassCollector(HostPaths paths, SkippedLines skipped) {
    this(paths, skipped, null);
  }

  /**
   * @param deviceExclude interfaces whose name it finds are left out (node_exporter's
   *     {@code --collector.netclass.ignored-devices}); {@code null} keeps them all
   */
  public NetclassCollector(HostPaths paths, SkippedLines skipped, Pattern deviceExclude) {
    this.paths = paths;
    this.skipped = skipped;
    this.deviceExclude = deviceExclude;
  }

  @Override
  public String name() {
    return "netclass";
  }

  @Override
  public List<MetricFamily> collect() throws IOException {
    List<MetricFamily> out = new ArrayList<>(ATTRIBUTES.length + 2);
    Path classNet = paths.sys("class/net");
    List<String> devices = devices(classNet);
    if (devices.isEmpty()) {
      return out;
    }
    MetricFamily.Builder up = MetricFamily.gauge("node_network_up",
        "1 if the interface's operational state is up.", "device");
    MetricFamily.Builder info = MetricFamily.gauge("node_network_info",
        "Interface addresses, duplex, alias and operational state as labels; always 1.",
        "address", "broadcast", "device", "duplex", "ifalias", "operstate");
    MetricFamily.Builder[] numeric = new MetricFamily.Builder[ATTRIBUTES.length];
    for (int i = 0; i < ATTRIBUTES.length; i++) {
      numeric[i] = COUNTER[i] ? MetricFamily.counter(NAMES[i], HELPS[i], "device")
          : MetricFamily.gauge(NAMES[i], HELPS[i], "device");
    }
    ByteBuffer buffer = ByteBuffer.allocate(ATTRIBUTE_MAX);
    for (String device : devices) {
      Path dir = classNet.resolve(device);
      String operstate = text(dir.resolve("operstate"), buffer);
      up.add("up".equals(operstate) ? 1 : 0, device);
      info.add(1, text(dir.resolve("address"), buffer), text(dir.resolve("broadcast"), buffer), device,
          text(dir.resolve("duplex"), buffer), text(dir.resolve("ifalias"), buffer), operstate);
      for (int i = 0; i < ATTRIBUTES.length; i++) {
        if (read(dir.resolve(ATTRIBUTES[i]), buffer) < 0) {
          continue;
        }
        long value = parseLong(buffer);
        if (value == Long.MIN_VALUE) {
          skipped.add(name());
          continue;
        }
        numeric[i].add(i == SPEED ? (double) (value * SPEED_BYTES_PER_MBIT) : value, device);
      }
    }
    up.addTo(out);
    info.addTo(out);
    for (MetricFamily.Builder family : numeric) {
      family.addTo(out);
    }
    return out;
  }

  /** Interface names in sorted order: the non-regular entries of class/net, less the excluded ones. */
  private List<String> devices(Path classNet) throws IOException {
    List<String> devices = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(classNet)) {
      for (Path entry : entries) {
        String device = entry.getFileName().toString();
        if (Files.isDirectory(entry) && (deviceExclude == null || !deviceExclude.matcher(device).find())) {
          devices.add(device);
        }
      }
    } catch (NoSuchFileException e) {
      return List.of();
    }
    Collections.sort(devices);
    return devices;
  }

  /**
   * Reads a sysfs attribute into {@code buffer} (position = bytes read); returns that count, or -1 when the attribute
   * is absent or the kernel refuses to give it (EINVAL, EOPNOTSUPP while a link is down, the interface gone).
   */
  private static int read(Path file, ByteBuffer buffer) {
    buffer.clear();
    try (FileChannel channel = FileChannel.open(file)) {
      // A sysfs attribute is at most one page, which the buffer holds, and sysfs hands it over in the first read;
      // asking again for the end of file would cost a system call per attribute.
      channel.read(buffer);
    } catch (IOException unavailable) {
      return -1;
    }
    return buffer.position();
  }

  /** A text attribute without surrounding white space; empty when unavailable. */
  private static String text(Path file, ByteBuffer buffer) {
    int length = read(file, buffer);
    if (length <= 0) {
      return "";
    }
    return new String(buffer.array(), 0, length, StandardCharsets.UTF_8).strip();
  }

  /**
   * The integer in the buffer, decimal or {@code 0x} hex, optionally negative, with surrounding white space; or
   * {@link Long#MIN_VALUE} when it is not one.
   */
  private static long parseLong(ByteBuffer buffer) {
    byte[] bytes = buffer.array();
    int from = 0;
    int to = buffer.position();
    while (from < to && bytes[from] <= ' ') {
      from++;
    }
    while (to > from && bytes[to - 1] <= ' ') {
      to--;
    }
    boolean negative = from < to && bytes[from] == '-';
    if (negative) {
      from++;
    }
    int radix = 10;
    if (to - from > 2 && bytes[from] == '0' && (bytes[from + 1] == 'x' || bytes[from + 1] == 'X')) {
      radix = 16;
      from += 2;
    }
    if (from == to || to - from > (radix == 16 ? 15 : 18)) {
      return Long.MIN_VALUE;
    }
    long value = 0;
    for (int i = from; i < to; i++) {
      int digit = Character.digit(bytes[i], radix);
      if (digit < 0) {
        return Long.MIN_VALUE;
      }
      value = value * radix + digit;
    }
    return negative ? -value : value;
  }
}

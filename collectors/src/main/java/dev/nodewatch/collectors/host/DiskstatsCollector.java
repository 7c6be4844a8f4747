package dev.nodewatch.collectors.host;

import dev.nodewatch.collectors.metrics.KernelFiles;
import dev.nodewatch.collectors.metrics.MetricCollector;
import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Block device I/O counters from {@code <procfs>/diskstats}, named, typed and scaled as node_exporter 1.5 does, one
 * series per device ({@code device} label), so disk dashboards and alerts written for node_exporter keep working.
 *
 * <p>A line has 3 identifying fields and 11 (kernels before 4.18), 15 (4.18+: discards) or 17 (5.5+: flushes)
 * counters; each line gives as many families as it has counters. Sectors are the kernel's fixed 512-byte units
 * whatever the device's sector size, so {@code *_bytes_total} are sectors × 512 (except
 * {@code node_disk_discarded_sectors_total}, left in sectors as node_exporter leaves it); times are kernel
 * milliseconds turned into seconds. Lines with fewer than 14 fields are not disk counters node_exporter knows and are
 * skipped and counted, like any line that does not parse.
 *
 * <p>{@code node_disk_info} is one series per device carrying its major/minor numbers and what udev knows about it
 * (model, serial, WWN, path, revision) from {@code <rootfs>/run/udev/data/b<major>:<minor>}; where udev data is absent
 * (a container without it, a machine without udev) those labels are empty, as node_exporter's are. From the same
 * udev data come {@code node_disk_filesystem_info} (when {@code ID_FS_TYPE} is set),
 * {@code node_disk_device_mapper_info} (when {@code DM_NAME} is set) and, for ATA disks, the
 * {@code node_disk_ata_*} gauges.
 *
 * <p>Devices whose names match the exclusion pattern (by default node_exporter's: RAM disks, loop devices, floppies
 * and partitions) are left out.
 *
 * <pre>
 * # TYPE node_disk_read_bytes_total counter
 * node_disk_read_bytes_total{device="vda"} 2.053653504e+09
 * # TYPE node_disk_io_time_seconds_total counter
 * node_disk_io_time_seconds_total{device="vda"} 11.88
 * # TYPE node_disk_info gauge
 * node_disk_info{device="vda",major="254",minor="0",model="",path="",revision="",serial="",wwn=""} 1
 * </pre>
 */
public final class DiskstatsCollector implements MetricCollector {

  /** node_exporter 1.5's {@code --collector.diskstats.device-exclude} default. */
  public static final Pattern DEFAULT_DEVICE_EXCLUDE =
      Pattern.compile("^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$");

  private static final double SECTOR_BYTES = 512.0;
  private static final double MILLIS = 0.001;
  private static final int MIN_FIELDS = 14;
  private static final int MAX_COUNTERS = 17;

  /** The counters after major, minor and name, in /proc/diskstats order. */
  private static final String[] NAMES = {
      "node_disk_reads_completed_total", "node_disk_reads_merged_total", "node_disk_read_bytes_total",
      "node_disk_read_time_seconds_total", "node_disk_writes_completed_total", "node_disk_writes_merged_total",
      "node_disk_written_bytes_total", "node_disk_write_time_seconds_total", "node_disk_io_now",
      "node_disk_io_time_seconds_total", "node_disk_io_time_weighted_seconds_total",
      "node_disk_discards_completed_total", "node_disk_discards_merged_total", "node_disk_discarded_sectors_total",
      "node_disk_discard_time_seconds_total", "node_disk_flush_requests_total",
      "node_disk_flush_requests_time_seconds_total"};
  private static final String[] HELPS = {
      "Reads completed on the device.", "Adjacent reads merged into one before reaching the device.",
      "Bytes read from the device (512-byte kernel sectors).", "Seconds spent by all reads, summed over requests.",
      "Writes completed on the device.", "Adjacent writes merged into one before reaching the device.",
      "Bytes written to the device (512-byte kernel sectors).", "Seconds spent by all writes, summed over requests.",
      "I/O requests in flight on the device right now.", "Seconds during which the device had I/O in flight.",
      "Seconds of I/O in flight weighted by the number of requests in flight.",
      "Discard requests completed on the device.", "Adjacent discards merged into one before reaching the device.",
      "Sectors (512-byte kernel units) discarded on the device.",
      "Seconds spent by all discards, summed over requests.", "Flush requests completed on the device.",
      "Seconds spent by all flush requests, summed over requests."};
  /** Multiplier from the kernel's unit to the metric's. */
  private static final double[] SCALE = {
      1, 1, SECTOR_BYTES, MILLIS, 1, 1, SECTOR_BYTES, MILLIS, 1, MILLIS, MILLIS, 1, 1, 1, MILLIS, 1, MILLIS};
  private static final int IO_NOW = 8;

  private final HostPaths paths;
  private final SkippedLines skipped;
  private final Pattern deviceExclude;

  public DiskstatsCollector(HostPaths paths, SkippedLines skipped) {
    this(paths, skipped, DEFAULT_DEVICE_EXCLUDE);
  }

  /** @param deviceExclude devices whose name it finds are left out; {@code null} keeps every device */
  public DiskstatsCollector(HostPaths paths, SkippedLines skipped, Pattern deviceExclude) {
    this.paths = paths;
    this.skipped = skipped;
    this.deviceExclude = deviceExclude;
  }

  @Override
  public String name() {
    return "diskstats";
  }

  @Override
  public List<MetricFamily> collect() throws IOException {
    List<MetricFamily> out = new ArrayList<>(MAX_COUNTERS + 6);
    String text = KernelFiles.asciiOrNull(paths.proc("diskstats"));
    if (text == null) {
      return out;
    }
    MetricFamily.Builder[] counters = new MetricFamily.Builder[MAX_COUNTERS];
    for (int i = 0; i < MAX_COUNTERS; i++) {
      counters[i] = i == IO_NOW ? MetricFamily.gauge(NAMES[i], HELPS[i], "device")
          : MetricFamily.counter(NAMES[i], HELPS[i], "device");
    }
    MetricFamily.Builder info = MetricFamily.gauge("node_disk_info",
        "Block device identity: major/minor numbers and what udev knows about it.",
        "device", "major", "minor", "model", "path", "revision", "serial", "wwn");
    MetricFamily.Builder filesystem = MetricFamily.gauge("node_disk_filesystem_info",
        "Filesystem udev found on the block device.", "device", "type", "usage", "uuid", "version");
    MetricFamily.Builder deviceMapper = MetricFamily.gauge("node_disk_device_mapper_info",
        "Device-mapper names udev knows for the block device.",
        "device", "lv_layer", "lv_name", "name", "uuid", "vg_name");
    MetricFamily.Builder ataWriteCache = MetricFamily.gauge("node_disk_ata_write_cache",
        "1 if the ATA disk has a write cache, per udev.", "device");
    MetricFamily.Builder ataWriteCacheEnabled = MetricFamily.gauge("node_disk_ata_write_cache_enabled",
        "1 if the ATA disk's write cache is on, per udev.", "device");
    MetricFamily.Builder ataRotation = MetricFamily.gauge("node_disk_ata_rotation_rate_rpm",
        "Rotation rate of the ATA disk in revolutions per minute (0 for solid state), per udev.", "device");

    Path udevDir = paths.root("/run/udev/data");
    boolean udev = Files.isDirectory(udevDir);
    int[] starts = new int[3 + MAX_COUNTERS];
    int[] ends = new int[3 + MAX_COUNTERS];
    long[] values = new long[MAX_COUNTERS];
    int pos = 0;
    int length = text.length();
    while (pos < length) {
      int eol = text.indexOf('\n', pos);
      if (eol < 0) {
        eol = length;
      }
      int fields = KernelText.tokenize(text, pos, eol, starts, ends);
      pos = eol + 1;
      if (fields == 0) {
        continue;
      }
      if (fields < 3) {
        skipped.add(name());
        continue;
      }
      String device = text.substring(starts[2], ends[2]);
      if (deviceExclude != null && deviceExclude.matcher(device).find()) {
        continue;
      }
      if (fields < MIN_FIELDS) {
        skipped.add(name());
        continue;
      }
      int counterCount = Math.min(fields, starts.length) - 3;
      int major;
      int minor;
      try {
        major = Integer.parseInt(text, starts[0], ends[0], 10);
        minor = Integer.parseInt(text, starts[1], ends[1], 10);
        for (int i = 0; i < counterCount; i++) {
          values[i] = Long.parseUnsignedLong(text, starts[3 + i], ends[3 + i], 10);
        }
      } catch (NumberFormatException e) {
        skipped.add(name());
        continue;
      }
      for (int i = 0; i < counterCount; i++) {
        counters[i].add(KernelText.unsignedToDouble(values[i]) * SCALE[i], device);
      }
      Map<String, String> props = udev ? udevProperties(udevDir.resolve("b" + major + ":" + minor)) : Map.of();
      info.add(1, device, Integer.toString(major), Integer.toString(minor), prop(props, "ID_MODEL"),
          prop(props, "ID_PATH"), prop(props, "ID_REVISION"), prop(props, "ID_SERIAL_SHORT"),
          prop(props, "ID_WWN"));
      String fsType = prop(props, "ID_FS_TYPE");
      if (!fsType.isEmpty()) {
        filesystem.add(1, device, fsType, prop(props, "ID_FS_USAGE"), prop(props, "ID_FS_UUID"),
            prop(props, "ID_FS_VERSION"));
      }
      String dmName = prop(props, "DM_NAME");
      if (!dmName.isEmpty()) {
        deviceMapper.add(1, device, prop(props, "DM_LV_LAYER"), prop(props, "DM_LV_NAME"), dmName,
            prop(props, "DM_UUID"), prop(props, "DM_VG_NAME"));
      }
      if (!prop(props, "ID_ATA").isEmpty()) {
        ata(props, "ID_ATA_WRITE_CACHE", ataWriteCache, device);
        ata(props, "ID_ATA_WRITE_CACHE_ENABLED", ataWriteCacheEnabled, device);
        ata(props, "ID_ATA_ROTATION_RATE_RPM", ataRotation, device);
      }
    }
    for (MetricFamily.Builder counter : counters) {
      counter.addTo(out);
    }
    info.addTo(out);
    filesystem.addTo(out);
    deviceMapper.addTo(out);
    ataWriteCache.addTo(out);
    ataWriteCacheEnabled.addTo(out);
    ataRotation.addTo(out);
    return out;
  }

  private void ata(Map<String, String> props, String key, MetricFamily.Builder family, String device) {
    String raw = props.get(key);
    if (raw == null) {
      return;
    }
    double value = KernelFiles.parseDouble(raw);
    if (Double.isNaN(value)) {
      skipped.add(name());
      return;
    }
    family.add(value, device);
  }

  private static String prop(Map<String, String> props, String key) {
    return props.getOrDefault(key, "");
  }

  /** The {@code E:KEY=VALUE} device properties of a udev database entry; empty when udev has none. */
  private static Map<String, String> udevProperties(Path file) throws IOException {
    String text;
    try {
      text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Map.of();
    }
    Map<String, String> props = new HashMap<>();
    int pos = 0;
    int length = text.length();
    while (pos < length) {
      int eol = text.indexOf('\n', pos);
      if (eol < 0) {
        eol = length;
      }
      if (text.startsWith("E:", pos)) {
        int eq = text.indexOf('=', pos + 2);
        if (eq >= 0 && eq < eol) {
          props.put(text.substring(pos + 2, eq), text.substring(eq + 1, eol));
        }
      }
      pos = eol + 1;
    }
    return props;
  }
}

package dev.nodewatch.collectors.host;

import com.sun.jna.Native;
import com.sun.jna.platform.linux.LibC;
import dev.nodewatch.collectors.metrics.KernelFiles;
import dev.nodewatch.collectors.metrics.MetricCollector;
import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Size, free space and inodes of every mounted file system, node_exporter's {@code filesystem} collector.
 *
 * <p>Mounts come from {@code <procfs>/1/mountinfo} (the host's mount table, not the agent's own) and are stat'ed
 * under the rootfs prefix. A {@code statfs} that does not return within the timeout (a dead NFS server) fails
 * this scrape's filesystem collector; the mount is then marked stuck and reported with {@code device_error 1}
 * without being touched again until the hung call returns, so one bad mount never blocks later scrapes.
 *
 * <pre>
 * # TYPE node_filesystem_avail_bytes gauge
 * node_filesystem_avail_bytes{device="/dev/vda",fstype="ext4",mountpoint="/"} 8.52e+10
 * </pre>
 */
public final class FilesystemCollector implements MetricCollector {

  /** One {@code statvfs} result, in bytes and inodes. */
  public record FsStats(double sizeBytes, double freeBytes, double availBytes, double files, double filesFree) {}

  /** The {@code statvfs} call, injectable so tests can make a mount hang or fail. */
  @FunctionalInterface
  public interface StatFs {
    FsStats stat(Path path) throws IOException, InterruptedException;
  }

  /** {@code statvfs(3)} through JNA. Sizes use {@code f_bsize} as node_exporter does. */
  public static final class JnaStatFs implements StatFs {
    // A JNA structure costs a native allocation and a reflective layout; stats run one at a time per thread.
    private static final ThreadLocal<LibC.Statvfs> BUFFERS = ThreadLocal.withInitial(LibC.Statvfs::new);

    @Override
    public FsStats stat(Path path) throws IOException {
      LibC.Statvfs buf = BUFFERS.get();
      if (DirectLibC.statvfs(path.toString(), buf) != 0) {
        throw new IOException("statvfs " + path + " failed: errno " + Native.getLastError());
      }
      double blockSize = KernelText.unsignedToDouble(buf.f_bsize.longValue());
      return new FsStats(KernelText.unsignedToDouble(buf.f_blocks.longValue()) * blockSize,
          KernelText.unsignedToDouble(buf.f_bfree.longValue()) * blockSize,
          KernelText.unsignedToDouble(buf.f_bavail.longValue()) * blockSize,
          KernelText.unsignedToDouble(buf.f_files.longValue()),
          KernelText.unsignedToDouble(buf.f_ffree.longValue()));
    }

  }

  /**
   * libc bound by JNA's direct mapping, several times cheaper per call than an interface proxy; registered when
   * first used, so start-up does not load JNA's native part.
   */
  private static final class DirectLibC {
    static {
      Native.register("c");
    }

    static native int statvfs(String path, LibC.Statvfs buf);
  }

  /** A mount as mountinfo lists it, with its mount point unescaped. */
  record Mount(String device, String mountPoint, String fsType, boolean readOnly) {}

  private final HostPaths paths;
  private final SkippedLines skipped;
  private final Pattern mountPointsExclude;
  private final Pattern fsTypesExclude;
  private final StatFs statFs;
  private final Duration mountTimeout;
  private final Set<String> stuck = ConcurrentHashMap.newKeySet();
  // One thread per batch in flight; a hung call keeps its thread until it returns, and a stuck mount is not
  // stat'ed again meanwhile, so the threads are bounded by the number of mounts.
  private final ExecutorService statThreads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "nodewatch-statfs");
    t.setDaemon(true);
    return t;
  });

  public FilesystemCollector(HostPaths paths, SkippedLines skipped, FilesystemConfig config, StatFs statFs,
      Duration mountTimeout) {
    this.paths = paths;
    this.skipped = skipped;
    this.mountPointsExclude = config.mountPointsPattern();
    this.fsTypesExclude = config.fsTypesPattern();
    this.statFs = statFs;
    this.mountTimeout = mountTimeout;
  }

  @Override
  public String name() {
    return "filesystem";
  }

  @Override
  public List<MetricFamily> collect() throws IOException, InterruptedException {
    String[] labels = {"device", "fstype", "mountpoint"};
    MetricFamily.Builder size = MetricFamily.gauge("node_filesystem_size_bytes", "File system size in bytes.",
        labels);
    MetricFamily.Builder free = MetricFamily.gauge("node_filesystem_free_bytes",
        "Free space in bytes, including the space reserved for root.", labels);
    MetricFamily.Builder avail = MetricFamily.gauge("node_filesystem_avail_bytes",
        "Space in bytes available to unprivileged users.", labels);
    MetricFamily.Builder files = MetricFamily.gauge("node_filesystem_files", "Total inodes.", labels);
    MetricFamily.Builder filesFree = MetricFamily.gauge("node_filesystem_files_free", "Free inodes.", labels);
    MetricFamily.Builder readOnly = MetricFamily.gauge("node_filesystem_readonly",
        "1 when the file system is mounted read-only.", labels);
    MetricFamily.Builder deviceError = MetricFamily.gauge("node_filesystem_device_error",
        "1 when the file system could not be stat'ed (an error or a mount marked stuck).", labels);

    List<Mount> mounts = mounts();
    Batch batch = new Batch(mounts);
    Future<?> task = statThreads.submit(batch);
    try {
      task.get(mountTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      batch.abandoned = true;
      Mount hung = batch.inProgress;
      if (hung != null) {
        stuck.add(hung.mountPoint());
        // The call may have returned between the timeout and the line above; then nothing would ever unmark it.
        if (batch.inProgress != hung) {
          stuck.remove(hung.mountPoint());
        }
      }
      throw new IOException("statfs of " + (hung == null ? "a mount" : hung.mountPoint()) + " did not return within "
          + mountTimeout.toMillis() + " ms; the mount is skipped until it answers");
    } catch (ExecutionException e) {
      throw new IOException("statfs failed", e.getCause());
    }
    for (int i = 0; i < mounts.size(); i++) {
      Mount m = mounts.get(i);
      String[] values = {m.device(), m.fsType(), m.mountPoint()};
      FsStats stats = batch.results[i];
      readOnly.add(m.readOnly() ? 1 : 0, values);
      if (stats == null) {
        deviceError.add(1, values);
        continue;
      }
      deviceError.add(0, values);
      size.add(stats.sizeBytes(), values);
      free.add(stats.freeBytes(), values);
      avail.add(stats.availBytes(), values);
      files.add(stats.files(), values);
      filesFree.add(stats.filesFree(), values);
    }
    List<MetricFamily> out = new ArrayList<>(7);
    avail.addTo(out);
    deviceError.addTo(out);
    files.addTo(out);
    filesFree.addTo(out);
    free.addTo(out);
    readOnly.addTo(out);
    size.addTo(out);
    return out;
  }

  /**
   * Stats every mount of one scrape on one thread, one after another: a single hand-off per scrape instead of one
   * per mount. When a call hangs, {@link #inProgress} names the mount; the batch is abandoned, and whenever the
   * call returns the mount is taken off the stuck list.
   */
  private final class Batch implements Runnable {
    private final List<Mount> mounts;
    private final FsStats[] results;
    private volatile Mount inProgress;
    /** Set when the collector gave up waiting: the batch stops at the next mount instead of stat'ing on. */
    private volatile boolean abandoned;

    Batch(List<Mount> mounts) {
      this.mounts = mounts;
      this.results = new FsStats[mounts.size()];
    }

    @Override
    public void run() {
      for (int i = 0; i < mounts.size() && !abandoned; i++) {
        Mount m = mounts.get(i);
        if (stuck.contains(m.mountPoint())) {
          continue;
        }
        inProgress = m;
        try {
          results[i] = statFs.stat(paths.root(m.mountPoint()));
        } catch (IOException e) {
          // Reported as node_filesystem_device_error 1, as node_exporter does for a failed statfs.
          results[i] = null;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } finally {
          inProgress = null;
          stuck.remove(m.mountPoint());
        }
      }
    }
  }

  /** The mounts to report: mountinfo minus excluded mount points and types, each (device, type, point) once. */
  List<Mount> mounts() throws IOException {
    List<String> lines = KernelFiles.lines(paths.proc("1/mountinfo"));
    if (lines.isEmpty()) {
      lines = KernelFiles.lines(paths.proc("self/mountinfo"));
    }
    List<Mount> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String line : lines) {
      Mount m = parse(line);
      if (m == null) {
        skipped.add(name());
        continue;
      }
      if (mountPointsExclude.matcher(m.mountPoint()).find() || fsTypesExclude.matcher(m.fsType()).find()) {
        continue;
      }
      if (seen.add(m.device() + '\0' + m.fsType() + '\0' + m.mountPoint())) {
        out.add(m);
      }
    }
    return out;
  }

  /** {@code 36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue}. */
  static Mount parse(String line) {
    String[] f = line.split(" ");
    int dash = -1;
    for (int i = 6; i < f.length; i++) {
      if (f[i].equals("-")) {
        dash = i;
        break;
      }
    }
    if (f.length < 10 || dash < 0 || dash + 2 >= f.length) {
      return null;
    }
    boolean readOnly = false;
    for (String option : f[5].split(",")) {
      if (option.equals("ro")) {
        readOnly = true;
        break;
      }
    }
    return new Mount(unescape(f[dash + 2]), unescape(f[4]), f[dash + 1], readOnly);
  }

  /** mountinfo writes space, tab, newline and backslash in paths as 3-digit octal escapes ({@code \040}). */
  static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && isOctal(s, i + 1)) {
        out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isOctal(String s, int from) {
    if (from + 3 > s.length()) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '7') {
        return false;
      }
    }
    return true;
  }
}

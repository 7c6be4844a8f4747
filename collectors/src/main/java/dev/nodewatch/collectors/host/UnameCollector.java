package dev.nodewatch.collectors.host;

import dev.nodewatch.collectors.metrics.KernelFiles;
import dev.nodewatch.collectors.metrics.MetricCollector;
import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The kernel's identity as {@code uname(2)} gives it, in node_exporter's {@code node_uname_info}, read from
 * {@code <procfs>/sys/kernel/}: {@code ostype} (sysname), {@code osrelease}, {@code version}, {@code hostname}
 * (nodename) and {@code domainname}. These files answer for the UTS namespace of the process reading them, as the
 * system call does for node_exporter, so with {@code hostNetwork} (which shares the host's UTS namespace) the
 * nodename is the node's.
 *
 * <p>The kernel's name, release, version and machine cannot change while it runs: they are read once. The
 * hostname and domain name can, and are read on every collection.
 *
 * <pre>
 * # TYPE node_uname_info gauge
 * node_uname_info{domainname="(none)",machine="x86_64",nodename="vm",release="6.18.44-fc-v782",sysname="Linux",version="#1 SMP PREEMPT_DYNAMIC @0"} 1
 * </pre>
 */
public final class UnameCollector implements MetricCollector {

  /** What cannot change while the kernel runs. */
  private record Kernel(String sysname, String release, String version, String machine) {}

  private final HostPaths paths;
  private final String jvmArch;
  private volatile Kernel kernel;

  public UnameCollector(HostPaths paths, SkippedLines skipped) {
    this(paths, skipped, System.getProperty("os.arch"));
  }

  /** With the JVM architecture name given, for tests. */
  UnameCollector(HostPaths paths, SkippedLines skipped, String jvmArch) {
    this.paths = paths;
    this.jvmArch = jvmArch;
  }

  @Override
  public String name() {
    return "uname";
  }

  @Override
  public List<MetricFamily> collect() throws IOException {
    List<MetricFamily> out = new ArrayList<>(1);
    Kernel k = kernel;
    if (k == null) {
      Optional<String> sysname = read("ostype");
      Optional<String> release = read("osrelease");
      if (sysname.isEmpty() && release.isEmpty()) {
        return out; // no sysctl tree under this procfs
      }
      k = new Kernel(sysname.orElse(""), release.orElse(""), read("version").orElse(""), machine());
      kernel = k;
    }
    out.add(MetricFamily.gauge("node_uname_info",
            "The kernel's uname(2) fields as labels; the value is always 1.",
            "domainname", "machine", "nodename", "release", "sysname", "version")
        .add(1, read("domainname").orElse(""), k.machine(), read("hostname").orElse(""), k.release(),
            k.sysname(), k.version())
        .build());
    return out;
  }

  /** The first line of a sysctl file, read whole (see {@link EntropyCollector} for why not {@code text}). */
  private Optional<String> read(String file) throws IOException {
    List<String> lines = KernelFiles.lines(paths.proc("sys/kernel/" + file));
    return lines.isEmpty() ? Optional.empty() : Optional.of(lines.get(0));
  }

  /**
   * uname's machine field. Recent kernels print it in {@code sys/kernel/arch}; older ones have no file for it,
   * so it comes from the JVM's {@code os.arch}. A 64-bit JVM runs only on a kernel of its own architecture, and
   * the JDK names that architecture as the kernel does except on x86: the JDK says {@code amd64} where the kernel
   * says {@code x86_64}, and {@code x86} where a 32-bit kernel says {@code i686}. {@code aarch64}, {@code ppc64le},
   * {@code s390x} and {@code riscv64} are the same in both.
   */
  private String machine() throws IOException {
    Optional<String> arch = read("arch");
    if (arch.isPresent() && !arch.get().isEmpty()) {
      return arch.get();
    }
    return switch (jvmArch) {
      case "amd64" -> "x86_64";
      case "x86", "i386" -> "i686";
      default -> jvmArch;
    };
  }
}

package dev.nodewatch.collectors.host;

import dev.nodewatch.collectors.metrics.KernelFiles;
import java.io.IOException;
import java.util.List;

/**
 * Reads files under {@code net/} of the host's network namespace. {@code <procfs>/net} is a link to the reading
 * process's own namespace, which in a pod is the pod's; {@code <procfs>/1/net} is init's, the host's. The plain
 * path is the fallback for a procfs without PID 1 (some test trees, a hidepid mount).
 */
final class HostNetFiles {

  private HostNetFiles() {}

  /** The whole file as text, or null when neither namespace's copy exists. */
  static String ascii(HostPaths paths, String file) throws IOException {
    String text = KernelFiles.asciiOrNull(paths.proc("1/net/" + file));
    return text != null ? text : KernelFiles.asciiOrNull(paths.proc("net/" + file));
  }

  static List<String> lines(HostPaths paths, String file) throws IOException {
    List<String> lines = KernelFiles.lines(paths.proc("1/net/" + file));
    return lines.isEmpty() ? KernelFiles.lines(paths.proc("net/" + file)) : lines;
  }
}

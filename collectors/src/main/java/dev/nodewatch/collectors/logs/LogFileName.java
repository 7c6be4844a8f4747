package dev.nodewatch.collectors.logs;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What kubelet's name for a file in a container's log directory says: {@code <n>.log} is the live file of the
 * container's n-th start; {@code <n>.log.<YYYYMMDD-HHMMSS>} one it rotated at that time; the same with {@code .gz}
 * once compressed. {@code <name>.gz.tmp} (a compression in progress) and any other name are not log files.
 *
 * @param restart the container's restart count, n
 * @param rotatedAt the rotation time as kubelet wrote it, or null for a live file
 */
record LogFileName(int restart, String rotatedAt, boolean compressed) {

  private static final Pattern NAME = Pattern.compile("(\\d{1,9})\\.log(?:\\.(\\d{8}-\\d{6})(\\.gz)?)?");

  /**
   * Oldest content first: an earlier start before a later one; within one start, rotated files by time, then the
   * live file.
   */
  static final Comparator<LogFileName> OLDEST_FIRST = Comparator.comparingInt(LogFileName::restart)
      .thenComparing(n -> n.rotatedAt() == null ? "~" : n.rotatedAt());

  /** The name's meaning, or null when it is not one of kubelet's log file names. */
  static LogFileName parse(Path file) {
    Path name = file.getFileName();
    if (name == null) {
      return null;
    }
    Matcher m = NAME.matcher(name.toString());
    return m.matches() ? new LogFileName(Integer.parseInt(m.group(1)), m.group(2), m.group(3) != null) : null;
  }

  boolean rotated() {
    return rotatedAt != null;
  }
}

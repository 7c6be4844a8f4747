package dev.nodewatch.collectors.cgroup;

import dev.nodewatch.collectors.metrics.ReadBuffer;
import dev.nodewatch.collectors.metrics.SkippedLines;
import dev.nodewatch.collectors.runtime.RateLimitedLog;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Parsing shared by the v1 and v2 readers. Files that are missing (controller not enabled, or the container exited
 * and its cgroup was removed mid-read) yield no value; {@code max} yields 0, cAdvisor's "unlimited"; anything else
 * that is not a number is counted in {@link SkippedLines} under {@value #COLLECTOR}. Lines are cut by hand rather
 * than with {@code String.split("\\s+")}, which compiles a regex per call: a collection parses tens of thousands.
 */
final class CgroupFiles {

  static final String COLLECTOR = "cgroup";

  private final SkippedLines skipped;
  private final RateLimitedLog log =
      new RateLimitedLog(LoggerFactory.getLogger(CgroupFiles.class), Duration.ofMinutes(1));
  /** Collections read cgroups on several threads; each reuses its own buffer. */
  private final ThreadLocal<ReadBuffer> buffers = ThreadLocal.withInitial(ReadBuffer::new);

  CgroupFiles(SkippedLines skipped) {
    this.skipped = skipped;
  }

  /**
   * The file's text, or null when it does not exist or cannot be read. An unreadable file (permissions, a directory
   * where a file should be, an I/O error) costs only its own values: it is counted as skipped and logged at most
   * once a minute, and the rest of the cgroup and of the collection goes on.
   */
  String text(Path file) {
    try {
      return buffers.get().asciiOrNull(file);
    } catch (IOException e) {
      skipped.add(COLLECTOR);
      log.error("unreadable", "cannot read " + file + ", its values are left out: " + e, null);
      return null;
    }
  }

  /** A single-number file, {@code max} as 0, or null when missing or garbage. */
  Long number(Path file) {
    String text = text(file);
    return text == null ? null : parse(text.strip());
  }

  /** Parses a number or {@code max}, counting garbage as skipped. */
  Long parse(String field) {
    if (field.equals("max")) {
      return 0L;
    }
    try {
      return Long.parseLong(field);
    } catch (NumberFormatException e) {
      // cgroup v1 prints counters as unsigned 64-bit; a value above Long.MAX_VALUE is "unlimited" for limits
      if (!field.isEmpty() && field.chars().allMatch(Character::isDigit)) {
        return Long.MAX_VALUE;
      }
      skipped.add(COLLECTOR);
      return null;
    }
  }

  /**
   * The wanted keys of a flat-keyed file ({@code key value} per line), absent keys left out; empty when the file is
   * missing. Lines that are not two fields are skipped and counted, as are non-numeric values of wanted keys. Keys
   * not asked for are passed over without being copied out: a 6.x kernel's {@code memory.stat} has some 45 lines, of
   * which a collection uses 4, in each of a thousand cgroups.
   */
  Map<String, Long> keyed(Path file, String... wanted) {
    String text = text(file);
    Map<String, Long> out = new HashMap<>(wanted.length * 2);
    if (text == null) {
      return out;
    }
    int length = text.length();
    int pos = 0;
    while (pos < length) {
      int eol = text.indexOf('\n', pos);
      if (eol < 0) {
        eol = length;
      }
      int keyStart = skipBlanks(text, pos, eol);
      int keyEnd = skipWord(text, keyStart, eol);
      int valueStart = skipBlanks(text, keyEnd, eol);
      int valueEnd = skipWord(text, valueStart, eol);
      if (keyStart < eol && (valueStart == eol || skipBlanks(text, valueEnd, eol) != eol)) {
        skipped.add(COLLECTOR); // one field, or more than two
      } else if (keyStart < eol) {
        for (String key : wanted) {
          if (key.length() == keyEnd - keyStart && text.startsWith(key, keyStart)) {
            Long value = parse(text.substring(valueStart, valueEnd));
            if (value != null) {
              out.put(key, value);
            }
            break;
          }
        }
      }
      pos = eol + 1;
    }
    return out;
  }

  private static int skipBlanks(String text, int from, int to) {
    while (from < to && text.charAt(from) <= ' ') {
      from++;
    }
    return from;
  }

  private static int skipWord(String text, int from, int to) {
    while (from < to && text.charAt(from) > ' ') {
      from++;
    }
    return from;
  }

  /**
   * The processes listed in the cgroup's own {@code cgroup.procs}: how many, and the first (any process of a pod
   * shares its network namespace). Null when the cgroup does not exist. Child cgroups are not walked: a pod's total
   * is the sum of the container cgroups discovery found under it, which saves listing every container directory.
   */
  CgroupStats.Pids members(Path dir, Long tasks) {
    String procs = text(dir.resolve("cgroup.procs"));
    if (procs == null) {
      return new CgroupStats.Pids(null, tasks, null);
    }
    long count = 0;
    Long first = null;
    int start = 0;
    for (int nl; start < procs.length(); start = nl + 1) {
      nl = procs.indexOf('\n', start);
      if (nl < 0) {
        nl = procs.length();
      }
      if (nl > start) {
        count++;
        if (first == null) {
          first = parse(procs.substring(start, nl).strip());
        }
      }
    }
    return new CgroupStats.Pids(count, tasks, first);
  }

  void skip() {
    skipped.add(COLLECTOR);
  }

  static Long times(Long value, long factor) {
    return value == null ? null : value * factor;
  }

  /** Calls {@code line} for each line of {@code text}, without the newline. */
  static void forEachLine(String text, java.util.function.Consumer<String> line) {
    int start = 0;
    while (start < text.length()) {
      int nl = text.indexOf('\n', start);
      if (nl < 0) {
        nl = text.length();
      }
      line.accept(text.substring(start, nl));
      start = nl + 1;
    }
  }

  /** The fields of a line separated by blanks (any control character counts); none for a blank line. */
  static String[] fields(String line) {
    String[] out = new String[8];
    int n = 0;
    int i = 0;
    int length = line.length();
    while (i < length) {
      char c = line.charAt(i);
      if (c <= ' ') {
        i++;
        continue;
      }
      int start = i;
      while (i < length && line.charAt(i) > ' ') {
        i++;
      }
      if (n == out.length) {
        out = java.util.Arrays.copyOf(out, n * 2);
      }
      out[n++] = line.substring(start, i);
    }
    return n == out.length ? out : java.util.Arrays.copyOf(out, n);
  }
}

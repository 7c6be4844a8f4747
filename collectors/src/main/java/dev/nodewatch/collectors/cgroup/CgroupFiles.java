package dev.nodewatch.collectors.cgroup;

import dev.nodewatch.collectors.metrics.ReadBuffer;
import dev.nodewatch.collectors.metrics.SkippedLines;
import dev.nodewatch.collectors.runtime.RateLimitedLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
    int length = read(file, ReadBuffer.Kind.ONE_RECORD);
    return length < 0 ? null : new String(buffers.get().bytes(), 0, length, StandardCharsets.ISO_8859_1);
  }

  /**
   * Reads the file into this thread's buffer, where the parsers below take it from: its length, or -1 when it is
   * missing or unreadable (see {@link #text}).
   */
  private int read(Path file, ReadBuffer.Kind kind) {
    try {
      return buffers.get().read(file, kind);
    } catch (IOException e) {
      skipped.add(COLLECTOR);
      log.error("unreadable", "cannot read " + file + ", its values are left out: " + e, null);
      return -1;
    }
  }

  /** A single-number file, {@code max} as 0, or null when missing or garbage. */
  Long number(Path file) {
    int length = read(file, ReadBuffer.Kind.ONE_RECORD);
    if (length < 0) {
      return null;
    }
    return parseTrimmed(buffers.get().bytes(), 0, length);
  }

  /** {@link #parse(byte[], int, int)} of {@code b[from, to)} without its leading and trailing blanks. */
  private Long parseTrimmed(byte[] b, int from, int to) {
    while (to > from && (b[to - 1] & 0xff) <= ' ') {
      to--;
    }
    return parse(b, skipBlanks(b, from, to), to);
  }

  /**
   * {@link #parse(String)} of {@code b[from, to)}; plain digits, nearly every value, are read without making a
   * string.
   */
  private Long parse(byte[] b, int from, int to) {
    if (from < to && to - from <= 18) {
      long n = 0;
      int i = from;
      for (; i < to && b[i] >= '0' && b[i] <= '9'; i++) {
        n = n * 10 + (b[i] - '0');
      }
      if (i == to) {
        return n;
      }
    }
    return parse(new String(b, from, to - from, StandardCharsets.ISO_8859_1));
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
    Map<String, Long> out = new HashMap<>(wanted.length * 2);
    int length = read(file, ReadBuffer.Kind.ONE_RECORD);
    byte[] b = buffers.get().bytes();
    int pos = 0;
    while (pos < length) {
      int eol = endOfLine(b, pos, length);
      int keyStart = skipBlanks(b, pos, eol);
      int keyEnd = skipWord(b, keyStart, eol);
      int valueStart = skipBlanks(b, keyEnd, eol);
      int valueEnd = skipWord(b, valueStart, eol);
      if (keyStart < eol && (valueStart == eol || skipBlanks(b, valueEnd, eol) != eol)) {
        skipped.add(COLLECTOR); // one field, or more than two
      } else if (keyStart < eol) {
        for (String key : wanted) {
          if (sameAscii(key, b, keyStart, keyEnd)) {
            Long value = parse(b, valueStart, valueEnd);
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

  private static boolean sameAscii(String key, byte[] b, int from, int to) {
    if (key.length() != to - from) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      if (key.charAt(i) != b[from + i]) {
        return false;
      }
    }
    return true;
  }

  private static int endOfLine(byte[] b, int from, int to) {
    while (from < to && b[from] != '\n') {
      from++;
    }
    return from;
  }

  private static int skipBlanks(byte[] b, int from, int to) {
    while (from < to && (b[from] & 0xff) <= ' ') {
      from++;
    }
    return from;
  }

  private static int skipWord(byte[] b, int from, int to) {
    while (from < to && (b[from] & 0xff) > ' ') {
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
    int length = read(dir.resolve("cgroup.procs"), ReadBuffer.Kind.RECORDS);
    if (length < 0) {
      return new CgroupStats.Pids(null, tasks, null);
    }
    byte[] b = buffers.get().bytes();
    long count = 0;
    Long first = null;
    for (int start = 0, nl; start < length; start = nl + 1) {
      nl = endOfLine(b, start, length);
      if (nl > start) {
        count++;
        if (first == null) {
          first = parseTrimmed(b, start, nl);
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

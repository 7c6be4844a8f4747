package dev.nodewatch.collectors.cgroup;

import dev.nodewatch.collectors.metrics.KernelFiles;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Parsing shared by the v1 and v2 readers. Files that are missing (controller not enabled, or the container exited
 * and its cgroup was removed mid-read) yield no value; {@code max} yields 0, cAdvisor's "unlimited"; anything else
 * that is not a number is counted in {@link SkippedLines} under {@value #COLLECTOR}.
 */
final class CgroupFiles {

  static final String COLLECTOR = "cgroup";

  private final SkippedLines skipped;

  CgroupFiles(SkippedLines skipped) {
    this.skipped = skipped;
  }

  /** A single-number file, {@code max} as 0, or null when missing or garbage. */
  Long number(Path file) throws IOException {
    Optional<String> text = KernelFiles.text(file);
    if (text.isEmpty()) {
      return null;
    }
    return parse(text.get());
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

  /** A flat-keyed file ({@code key value} per line): garbage lines are skipped and counted. Empty when missing. */
  Map<String, Long> keyed(Path file) throws IOException {
    List<String> lines = KernelFiles.lines(file);
    Map<String, Long> out = new HashMap<>();
    for (String line : lines) {
      String[] f = line.strip().split("\\s+");
      if (f.length == 1 && f[0].isEmpty()) {
        continue;
      }
      Long value = f.length == 2 ? parse(f[1]) : null;
      if (value == null) {
        if (f.length != 2) {
          skipped.add(COLLECTOR);
        }
        continue;
      }
      out.put(f[0], value);
    }
    return out;
  }

  /**
   * Processes in the cgroup and all its descendants (lines of every {@code cgroup.procs} below {@code dir}), as cAdvisor
   * counts them, so a pod-level cgroup counts its containers' processes; null when the cgroup does not exist.
   */
  Long processes(Path dir) throws IOException {
    String procs = KernelFiles.asciiOrNull(dir.resolve("cgroup.procs"));
    if (procs == null) {
      return null;
    }
    long count = procs.lines().filter(l -> !l.isBlank()).count();
    List<Path> children = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, Files::isDirectory)) {
      stream.forEach(children::add);
    } catch (NoSuchFileException e) {
      return count; // removed after its cgroup.procs was read: what was read stands
    }
    for (Path child : children) {
      Long inChild = processes(child);
      count += inChild == null ? 0 : inChild;
    }
    return count;
  }

  void skip() {
    skipped.add(COLLECTOR);
  }

  static Long times(Long value, long factor) {
    return value == null ? null : value * factor;
  }
}

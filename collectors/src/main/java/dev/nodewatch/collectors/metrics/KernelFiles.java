package dev.nodewatch.collectors.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Small reads of procfs, sysfs and cgroup files. A file that does not exist means the kernel lacks the feature:
 * callers get an empty result and expose nothing for it, as node_exporter and cAdvisor do.
 */
public final class KernelFiles {

  private KernelFiles() {}

  /** All lines, or an empty list when the file does not exist. */
  public static List<String> lines(Path file) throws IOException {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return List.of();
    }
  }

  /** The contents without surrounding white space, or empty when the file does not exist. */
  public static Optional<String> text(Path file) throws IOException {
    try {
      return Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /**
   * A file holding one integer, as most sysfs and cgroup attributes do. Empty when missing, unreadable (some sysfs
   * attributes fail with EINVAL while a device is down) or not a number.
   */
  public static OptionalLong longValue(Path file) {
    try {
      String s = Files.readString(file, StandardCharsets.US_ASCII).strip();
      return OptionalLong.of(Long.parseLong(s));
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** Parses a decimal field, or returns {@link Double#NaN} when it is not a number (the caller counts it). */
  public static double parseDouble(String field) {
    try {
      return Double.parseDouble(field);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }
}

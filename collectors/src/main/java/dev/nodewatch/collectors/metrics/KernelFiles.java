package dev.nodewatch.collectors.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
    byte[] bytes;
    try {
      bytes = readSmall(file);
    } catch (NoSuchFileException e) {
      return List.of();
    }
    // Not Files.readAllLines: its 8 KiB reader buffer per call dominated the allocation of a collection that reads
    // a dozen small files per cgroup.
    String text = new String(bytes, StandardCharsets.UTF_8);
    List<String> lines = new ArrayList<>();
    int start = 0;
    for (int nl; (nl = text.indexOf('\n', start)) >= 0; start = nl + 1) {
      lines.add(text.substring(start, nl));
    }
    if (start < text.length()) {
      lines.add(text.substring(start));
    }
    return lines;
  }

  /**
   * The whole file as ASCII text (procfs and sysfs write nothing else), or null when it does not exist; for
   * multi-line tables a collector parses itself without splitting into a list of lines first.
   */
  public static String asciiOrNull(Path file) throws IOException {
    try {
      return new String(readSmall(file), StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** The contents without surrounding white space, or empty when the file does not exist. */
  public static Optional<String> text(Path file) throws IOException {
    try {
      return Optional.of(new String(readSmall(file), StandardCharsets.UTF_8).strip());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /**
   * Reads a small kernel file in as few {@code read} calls as possible. {@code /proc/sys} files report a size of 0
   * and answer only the first read, so {@link Files#readString}, which sizes its first read from the file size,
   * would return one byte of {@code fs/file-max}.
   */
  private static byte[] readSmall(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      // 1 KiB holds any integer sysctl in its single read and most cgroup and sysfs values; longer files grow it.
      byte[] buf = new byte[1024];
      int length = 0;
      for (int n; (n = in.read(buf, length, buf.length - length)) > 0; ) {
        length += n;
        if (length == buf.length) {
          buf = Arrays.copyOf(buf, buf.length * 2);
        }
      }
      return Arrays.copyOf(buf, length);
    }
  }

  /**
   * A file holding one integer, as most sysfs and cgroup attributes do. Empty when missing, unreadable (some sysfs
   * attributes fail with EINVAL while a device is down) or not a number.
   */
  public static OptionalLong longValue(Path file) {
    try {
      String s = new String(readSmall(file), StandardCharsets.US_ASCII).strip();
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

package dev.nodewatch.collectors.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A size in bytes written with a unit in config: {@code 512}, {@code 64KiB}, {@code 1MiB}, {@code 2GiB}, or the
 * decimal {@code 10MB}. Binary units are what Kubernetes and Fluent Bit users write for memory and disk limits.
 */
public record ByteSize(long bytes) {

  private static final Pattern FORMAT =
      Pattern.compile("(\\d+)\\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB|K|M|G|T)?", Pattern.CASE_INSENSITIVE);

  public ByteSize {
    if (bytes < 0) {
      throw new IllegalArgumentException("a size cannot be negative, was " + bytes);
    }
  }

  public static ByteSize ofMebibytes(long mebibytes) {
    return new ByteSize(mebibytes * 1024 * 1024);
  }

  @JsonCreator
  public static ByteSize parse(String text) {
    Matcher m = FORMAT.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "not a size, was \"" + text + "\" (use a number of bytes or a unit: KiB, MiB, GiB, KB, MB, GB)");
    }
    long multiplier = multiplier(m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT));
    try {
      return new ByteSize(Math.multiplyExact(Long.parseLong(m.group(1)), multiplier));
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("size too large, was \"" + text + "\"", e);
    }
  }

  @JsonCreator
  public static ByteSize of(long bytes) {
    return new ByteSize(bytes);
  }

  private static long multiplier(String unit) {
    return switch (unit) {
      case "B" -> 1L;
      case "KB" -> 1000L;
      case "MB" -> 1000L * 1000;
      case "GB" -> 1000L * 1000 * 1000;
      case "TB" -> 1000L * 1000 * 1000 * 1000;
      case "K", "KIB" -> 1L << 10;
      case "M", "MIB" -> 1L << 20;
      case "G", "GIB" -> 1L << 30;
      case "T", "TIB" -> 1L << 40;
      default -> throw new IllegalArgumentException("unknown unit " + unit);
    };
  }

  /** The shortest exact form, so the effective config prints what a person would have written. */
  @JsonValue
  @Override
  public String toString() {
    String[] units = {"TiB", "GiB", "MiB", "KiB"};
    int[] shifts = {40, 30, 20, 10};
    for (int i = 0; i < units.length; i++) {
      long unit = 1L << shifts[i];
      if (bytes != 0 && bytes % unit == 0) {
        return (bytes / unit) + units[i];
      }
    }
    return Long.toString(bytes);
  }
}

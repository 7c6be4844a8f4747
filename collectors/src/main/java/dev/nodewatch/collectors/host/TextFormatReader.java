package dev.nodewatch.collectors.host;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the Prometheus text format 0.0.4 that cron jobs and scripts leave for the textfile collector: HELP and
 * TYPE lines and samples with labels. No Java library parses this format (client libraries only write it), so this
 * small reader does, strictly: anything it does not understand fails the whole file with the line number.
 */
final class TextFormatReader {

  /** A sample as written: metric name, labels in file order, value. */
  record Sample(String name, Map<String, String> labels, double value) {}

  /** What one file declares and contains. */
  record Parsed(Map<String, String> help, Map<String, String> types, List<Sample> samples) {}

  /** Thrown for a malformed line; the message names the line. */
  static final class FormatException extends Exception {
    FormatException(int line, String message) {
      super("line " + line + ": " + message);
    }

    FormatException(String message) {
      super(message);
    }
  }

  private TextFormatReader() {}

  static Parsed parse(String text) throws FormatException {
    Map<String, String> help = new LinkedHashMap<>();
    Map<String, String> types = new LinkedHashMap<>();
    List<Sample> samples = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      int number = i + 1;
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("#")) {
        String[] parts = line.substring(1).strip().split("\\s+", 3);
        if (parts.length >= 2 && parts[0].equals("HELP")) {
          help.put(checkName(parts[1], number), parts.length == 3 ? unescape(parts[2]) : "");
        } else if (parts.length >= 2 && parts[0].equals("TYPE")) {
          if (parts.length < 3) {
            throw new FormatException(number, "TYPE without a type");
          }
          types.put(checkName(parts[1], number), parts[2]);
        }
        continue;
      }
      samples.add(sample(line, number));
    }
    return new Parsed(help, types, samples);
  }

  private static Sample sample(String line, int number) throws FormatException {
    int i = 0;
    while (i < line.length() && isNameChar(line.charAt(i), i == 0)) {
      i++;
    }
    String name = checkName(line.substring(0, i), number);
    Map<String, String> labels = new LinkedHashMap<>();
    if (i < line.length() && line.charAt(i) == '{') {
      i = labels(line, i + 1, labels, number);
    }
    String[] rest = line.substring(i).strip().split("\\s+");
    if (rest.length == 0 || rest[0].isEmpty()) {
      throw new FormatException(number, "sample without a value");
    }
    if (rest.length > 1) {
      throw new FormatException(number, "samples must not carry timestamps");
    }
    return new Sample(name, labels, value(rest[0], number));
  }

  /** Reads {@code a="x",b="y"}} from {@code i}; returns the index after the closing brace. */
  private static int labels(String line, int i, Map<String, String> labels, int number) throws FormatException {
    while (true) {
      while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == ',')) {
        i++;
      }
      if (i < line.length() && line.charAt(i) == '}') {
        return i + 1;
      }
      int eq = line.indexOf('=', i);
      if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
        throw new FormatException(number, "expected label=\"value\"");
      }
      String key = line.substring(i, eq).strip();
      checkName(key, number);
      StringBuilder value = new StringBuilder();
      int j = eq + 2;
      for (; j < line.length() && line.charAt(j) != '"'; j++) {
        char c = line.charAt(j);
        if (c == '\\' && j + 1 < line.length()) {
          char next = line.charAt(++j);
          value.append(next == 'n' ? '\n' : next);
        } else {
          value.append(c);
        }
      }
      if (j >= line.length()) {
        throw new FormatException(number, "unterminated label value");
      }
      if (labels.put(key, value.toString()) != null) {
        throw new FormatException(number, "label " + key + " given twice");
      }
      i = j + 1;
    }
  }

  private static double value(String text, int number) throws FormatException {
    switch (text) {
      case "+Inf", "Inf" -> {
        return Double.POSITIVE_INFINITY;
      }
      case "-Inf" -> {
        return Double.NEGATIVE_INFINITY;
      }
      case "NaN" -> {
        return Double.NaN;
      }
      default -> {
        try {
          return Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw new FormatException(number, "expected a number as value, got \"" + text + "\"");
        }
      }
    }
  }

  private static String checkName(String name, int number) throws FormatException {
    if (name.isEmpty()) {
      throw new FormatException(number, "expected a metric or label name");
    }
    for (int i = 0; i < name.length(); i++) {
      if (!isNameChar(name.charAt(i), i == 0)) {
        throw new FormatException(number, "invalid name \"" + name + "\"");
      }
    }
    return name;
  }

  private static boolean isNameChar(char c, boolean first) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' || !first && c >= '0' && c <= '9';
  }

  /** HELP text escapes backslash and newline. */
  private static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char next = s.charAt(++i);
        out.append(next == 'n' ? '\n' : next);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}

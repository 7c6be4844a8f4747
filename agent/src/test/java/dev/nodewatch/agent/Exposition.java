package dev.nodewatch.agent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Test-side reading of Prometheus text format 0.0.4, enough to compare two exporters family by family: TYPE lines
 * and samples with their labels. (simpleclient writes the format but has no reader.)
 */
record Exposition(Map<String, String> types, Map<String, List<Sample>> samplesByFamily) {

  /** One sample: its metric name, labels (sorted) and value. */
  record Sample(String name, Map<String, String> labels, double value) {}

  static Exposition parse(String text) {
    Map<String, String> types = new LinkedHashMap<>();
    Map<String, List<Sample>> samples = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.split(" ");
        types.put(parts[2], parts[3]);
        samples.putIfAbsent(parts[2], new ArrayList<>());
      } else if (!line.isBlank() && !line.startsWith("#")) {
        Sample s = parseSample(line);
        samples.computeIfAbsent(familyOf(s.name(), types), k -> new ArrayList<>()).add(s);
      }
    }
    return new Exposition(types, samples);
  }

  private static String familyOf(String sampleName, Map<String, String> types) {
    if (types.containsKey(sampleName)) {
      return sampleName;
    }
    for (String suffix : new String[] {"_bucket", "_count", "_sum", "_total", "_created"}) {
      if (sampleName.endsWith(suffix)) {
        String base = sampleName.substring(0, sampleName.length() - suffix.length());
        if (types.containsKey(base)) {
          return base;
        }
      }
    }
    return sampleName;
  }

  private static Sample parseSample(String line) {
    int brace = line.indexOf('{');
    int space;
    Map<String, String> labels = new TreeMap<>();
    String name;
    if (brace >= 0 && brace < line.indexOf(' ')) {
      name = line.substring(0, brace);
      int i = brace + 1;
      while (line.charAt(i) != '}') {
        int eq = line.indexOf('=', i);
        String key = line.substring(i, eq).trim();
        StringBuilder value = new StringBuilder();
        int j = eq + 2;
        for (; line.charAt(j) != '"'; j++) {
          char c = line.charAt(j);
          if (c == '\\') {
            char n = line.charAt(++j);
            value.append(n == 'n' ? '\n' : n);
          } else {
            value.append(c);
          }
        }
        labels.put(key, value.toString());
        i = j + 1;
        if (line.charAt(i) == ',') {
          i++;
        }
      }
      space = line.indexOf(' ', i);
    } else {
      space = line.indexOf(' ');
      name = line.substring(0, space);
    }
    String[] rest = line.substring(space + 1).trim().split(" ");
    return new Sample(name, labels, Double.parseDouble(rest[0]));
  }

  /** The union of label names over a family's samples. */
  TreeSet<String> labelNames(String family) {
    TreeSet<String> names = new TreeSet<>();
    for (Sample s : samplesByFamily.getOrDefault(family, List.of())) {
      names.addAll(s.labels().keySet());
    }
    return names;
  }

  /** Samples keyed by name plus labels, for matching the same series across two expositions. */
  Map<String, Double> series(String family) {
    Map<String, Double> out = new TreeMap<>();
    for (Sample s : samplesByFamily.getOrDefault(family, List.of())) {
      out.put(s.name() + s.labels(), s.value());
    }
    return out;
  }
}

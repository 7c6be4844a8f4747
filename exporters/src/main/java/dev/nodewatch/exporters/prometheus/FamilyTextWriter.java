package dev.nodewatch.exporters.prometheus;

import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import dev.nodewatch.collectors.metrics.Sample;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes the agent's collected families as Prometheus text 0.0.4 or OpenMetrics 1.0 straight into UTF-8 bytes.
 *
 * <p>Why not simpleclient's {@code TextFormat} for these: a node with 1,000 containers has 40,000 container series
 * of ~340 characters, and {@code TextFormat} escapes every label value one {@code Writer.append(char)} at a time,
 * which alone took longer than reading every cgroup. Here a label value without characters to escape (nearly all)
 * is copied whole. The agent's own JVM and HTTP metrics stay with simpleclient; the output of both is checked by
 * promtool and parsed by a real Prometheus in the tests.
 *
 * <p>The formats, as simpleclient writes them: 0.0.4 names a counter's family with its {@code _total}; OpenMetrics
 * names it without and puts {@code TYPE} before {@code HELP}. A counter whose name lacks {@code _total} goes out
 * untyped, since neither format can type it. Integral values are written without a fraction ({@code 1048576}).
 */
final class FamilyTextWriter {

  private static final int STAGE = 16 * 1024;
  /** Label values this long are worth remembering encoded (container ids, cgroup paths). */
  private static final int LONG_VALUE = 32;
  /** Integers up to 2^53 are exact in a double and print as digits; beyond that, Java's double notation. */
  private static final double EXACT = 9_007_199_254_740_992d;

  private final BodyChunks out;
  private final boolean openMetrics;
  private final byte[] stage = new byte[STAGE];
  private final byte[] number = new byte[20];
  /**
   * Encoded long label values by identity: a container's {@code id} and {@code name} (~180 characters together) are
   * the same String objects in each of its ~40 series, so they are escaped once per render and copied after.
   */
  private final java.util.IdentityHashMap<String, byte[]> encoded = new java.util.IdentityHashMap<>();
  /** Label blocks by the identity of their value list; see {@link #labels}. */
  private final java.util.IdentityHashMap<List<String>, EncodedLabels> blocks = new java.util.IdentityHashMap<>();
  private int used;
  /** How often the stage went to the body: a label block written without one is whole in the stage. */
  private long flushes;

  private record EncodedLabels(List<String> names, byte[] bytes) {}

  private static final EncodedLabels SEEN_ONCE = new EncodedLabels(List.of(), null);

  FamilyTextWriter(BodyChunks out, boolean openMetrics) {
    this.out = out;
    this.openMetrics = openMetrics;
  }

  void write(MetricFamily family) {
    boolean counter = family.type() == MetricType.COUNTER && family.name().endsWith("_total");
    boolean untyped = family.type() == MetricType.UNTYPED || family.type() == MetricType.COUNTER && !counter;
    String type = counter ? "counter" : untyped ? (openMetrics ? "unknown" : "untyped") : "gauge";
    String name = family.name();
    if (openMetrics) {
      String base = counter ? name.substring(0, name.length() - "_total".length()) : name;
      ascii("# TYPE ");
      ascii(base);
      put(' ');
      ascii(type);
      put('\n');
      ascii("# HELP ");
      ascii(base);
      put(' ');
      escaped(family.help(), true);
      put('\n');
    } else {
      ascii("# HELP ");
      ascii(name);
      put(' ');
      escaped(family.help(), false);
      put('\n');
      ascii("# TYPE ");
      ascii(name);
      put(' ');
      ascii(type);
      put('\n');
    }
    List<String> labelNames = family.labelNames();
    for (Sample sample : family.samples()) {
      ascii(name);
      List<String> values = sample.labelValues();
      if (!labelNames.isEmpty()) {
        labels(labelNames, values);
      }
      put(' ');
      value(sample.value());
      put('\n');
    }
  }

  /**
   * {@code {name="value",...}}. A container's series share one list of label values across some 35 families, so a
   * block whose list comes back is encoded once per render and copied after, as long as the label names are the same.
   * Lists seen once (a series with a label of its own) are written but not kept.
   */
  private void labels(List<String> names, List<String> values) {
    EncodedLabels block = blocks.get(values);
    if (block != null && block.bytes() != null && block.names().equals(names)) {
      byte[] bytes = block.bytes();
      if (bytes.length > STAGE - used) {
        flush();
      }
      System.arraycopy(bytes, 0, stage, used, bytes.length);
      used += bytes.length;
      return;
    }
    if (block == null) {
      writeLabels(names, values);
      blocks.put(values, SEEN_ONCE);
      return;
    }
    if (STAGE - used < STAGE / 4) {
      flush();
    }
    long flushesBefore = flushes;
    int start = used;
    writeLabels(names, values);
    if (flushes == flushesBefore) { // the whole block is in the stage; a longer one is not kept
      blocks.put(values, new EncodedLabels(names, java.util.Arrays.copyOfRange(stage, start, used)));
    }
  }

  private void writeLabels(List<String> names, List<String> values) {
    put('{');
    for (int i = 0; i < names.size(); i++) {
      if (i > 0) {
        put(',');
      }
      ascii(names.get(i));
      put('=');
      put('"');
      labelValue(values.get(i));
      put('"');
    }
    put('}');
  }

  /** Hands what is staged to the body; call before anything else writes to it. */
  void flush() {
    flushes++;
    out.append(stage, 0, used);
    used = 0;
  }

  private void put(char c) {
    if (used == STAGE) {
      flush();
    }
    stage[used++] = (byte) c;
  }

  /** Metric and label names, type words: ASCII by the format's own rules. */
  private void ascii(String s) {
    int length = s.length();
    if (length > STAGE - used) {
      flush();
      if (length > STAGE) {
        out.append(s.getBytes(StandardCharsets.ISO_8859_1));
        return;
      }
    }
    for (int i = 0; i < length; i++) {
      stage[used + i] = (byte) s.charAt(i);
    }
    used += length;
  }

  private void labelValue(String value) {
    if (value.length() < LONG_VALUE) {
      escaped(value, true);
      return;
    }
    byte[] bytes = encoded.get(value);
    if (bytes == null) {
      bytes = escape(value, true).getBytes(StandardCharsets.UTF_8);
      encoded.put(value, bytes);
    }
    if (bytes.length > STAGE - used) {
      flush();
      if (bytes.length > STAGE) {
        out.append(bytes);
        return;
      }
    }
    System.arraycopy(bytes, 0, stage, used, bytes.length);
    used += bytes.length;
  }

  /**
   * A label value or help text: backslash and newline escaped, and double quotes too in label values (and in
   * OpenMetrics help); anything outside ASCII encoded as UTF-8.
   */
  private void escaped(String s, boolean quotes) {
    int length = s.length();
    // Worst case per char: 3 UTF-8 bytes, or 2 for an escape; a surrogate pair is 4 bytes for 2 chars.
    if (length * 3 > STAGE - used) {
      flush();
      if (length * 3 > STAGE) {
        out.append(escape(s, quotes).getBytes(StandardCharsets.UTF_8));
        return;
      }
    }
    byte[] b = stage;
    int n = used;
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        if (c == '\\' || c == '\n' || c == '"' && quotes) {
          b[n++] = '\\';
          b[n++] = (byte) (c == '\n' ? 'n' : c);
        } else {
          b[n++] = (byte) c;
        }
      } else {
        n = utf8(s, i, c, b, n);
        if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        }
      }
    }
    used = n;
  }

  private static int utf8(String s, int i, char c, byte[] b, int n) {
    if (c < 0x800) {
      b[n++] = (byte) (0xC0 | c >> 6);
      b[n++] = (byte) (0x80 | c & 0x3F);
      return n;
    }
    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
      int cp = Character.toCodePoint(c, s.charAt(i + 1));
      b[n++] = (byte) (0xF0 | cp >> 18);
      b[n++] = (byte) (0x80 | cp >> 12 & 0x3F);
      b[n++] = (byte) (0x80 | cp >> 6 & 0x3F);
      b[n++] = (byte) (0x80 | cp & 0x3F);
      return n;
    }
    if (Character.isSurrogate(c)) {
      b[n++] = '?'; // a lone surrogate is not text; UTF-8 cannot carry it
      return n;
    }
    b[n++] = (byte) (0xE0 | c >> 12);
    b[n++] = (byte) (0x80 | c >> 6 & 0x3F);
    b[n++] = (byte) (0x80 | c & 0x3F);
    return n;
  }

  /** The slow path for values too long to stage at once, and for remembered values. */
  private static String escape(String s, boolean quotes) {
    String escaped = s.replace("\\", "\\\\").replace("\n", "\\n");
    return quotes ? escaped.replace("\"", "\\\"") : escaped;
  }

  private void value(double v) {
    if (v == Math.rint(v) && Math.abs(v) <= EXACT) {
      digits((long) v);
    } else if (Double.isNaN(v)) {
      ascii("NaN");
    } else if (Double.isInfinite(v)) {
      ascii(v > 0 ? "+Inf" : "-Inf");
    } else {
      ascii(Double.toString(v));
    }
  }

  /** A long in decimal, without allocating. */
  private void digits(long v) {
    if (used + 21 > STAGE) {
      flush();
    }
    if (v < 0) {
      stage[used++] = '-';
      v = -v;
    }
    int i = number.length;
    do {
      number[--i] = (byte) ('0' + v % 10);
      v /= 10;
    } while (v != 0);
    int n = number.length - i;
    System.arraycopy(number, i, stage, used, n);
    used += n;
  }
}

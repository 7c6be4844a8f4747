package dev.nodewatch.collectors.host;

import dev.nodewatch.collectors.metrics.MetricCollector;
import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The host's IP, ICMP, TCP and UDP protocol counters (SNMP MIB and Linux extensions) as node_exporter 1.5 exposes
 * them: one unlabelled untyped metric {@code node_netstat_<Protocol>_<Field>} per field of {@code net/netstat} and
 * {@code net/snmp} (pairs of header and value lines) and {@code net/snmp6} (one {@code Ip6InOctets 123} pair per
 * line, split after the protocol's {@code 6}). Only fields whose {@code <Protocol>_<Field>} the field pattern finds
 * are exposed; the default is node_exporter 1.5's, which keeps the error, retransmission, listen-queue and traffic
 * counters that node dashboards and alerts use out of several hundred.
 *
 * <p>The files are PID 1's, {@code <procfs>/1/net/...}, which belong to the host's network namespace whatever the
 * agent's own; {@code <procfs>/net/...} is the fallback. A kernel without IPv6 has no snmp6 and simply yields no
 * {@code Ip6}/{@code Icmp6}/{@code Udp6} metrics. A header/value pair whose field counts differ, a value that is not
 * a number, or a line that does not fit the format is skipped and counted.
 *
 * <p>The fields a header line selects are worked out once per distinct header line and kept, so a scrape parses only
 * the few values it exposes instead of matching the pattern against every field.
 *
 * <pre>
 * # TYPE node_netstat_Tcp_RetransSegs untyped
 * node_netstat_Tcp_RetransSegs 17
 * # TYPE node_netstat_TcpExt_ListenDrops untyped
 * node_netstat_TcpExt_ListenDrops 0
 * </pre>
 */
public final class NetstatCollector implements MetricCollector {

  /** node_exporter 1.5's {@code --collector.netstat.fields} default. */
  public static final Pattern DEFAULT_FIELDS = Pattern.compile("^(.*_(InErrors|InErrs)|Ip_Forwarding"
      + "|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans"
      + "|TCPTimeouts)|Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)"
      + "|Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$");

  /** Distinct header lines / snmp6 names remembered; far above what any kernel prints. */
  private static final int CACHE_LIMIT = 512;

  /**
   * What one header line selects: the token positions (0 is the {@code Proto:} token) of the exposed fields, their
   * metric names and help, and how many tokens the line has.
   */
  private record Selection(int tokens, int[] positions, String[] names, String[] helps) {}

  /** The metric an snmp6 key becomes, or {@link #UNSELECTED}. */
  private record Snmp6Field(String name, String help) {}

  private static final Snmp6Field UNSELECTED = new Snmp6Field(null, null);

  private final HostPaths paths;
  private final SkippedLines skipped;
  private final Pattern fields;
  private final Map<String, Selection> headers = new ConcurrentHashMap<>();
  private final Map<String, Snmp6Field> snmp6Fields = new ConcurrentHashMap<>();

  public NetstatCollector(HostPaths paths, SkippedLines skipped) {
    this(paths, skipped, DEFAULT_FIELDS);
  }

  /** @param fields selects {@code <Protocol>_<Field>} keys to expose (found anywhere, as Go's MatchString) */
  public NetstatCollector(HostPaths paths, SkippedLines skipped, Pattern fields) {
    this.paths = paths;
    this.skipped = skipped;
    this.fields = fields;
  }

  @Override
  public String name() {
    return "netstat";
  }

  @Override
  public List<MetricFamily> collect() throws IOException {
    List<MetricFamily> out = new ArrayList<>(48);
    Set<String> emitted = new HashSet<>();
    String netstat = readNet("netstat");
    if (netstat != null) {
      headerValuePairs(netstat, "netstat", out, emitted);
    }
    String snmp = readNet("snmp");
    if (snmp != null) {
      headerValuePairs(snmp, "snmp", out, emitted);
    }
    String snmp6 = readNet("snmp6");
    if (snmp6 != null) {
      snmp6(snmp6, out, emitted);
    }
    return out;
  }

  /**
   * {@code Proto: Field1 Field2…} followed by {@code Proto: 1 2…}, repeated. A line that is not such a header, or a
   * header whose next line is not its values, is skipped alone so the pairs after it still line up.
   */
  private void headerValuePairs(String text, String file, List<MetricFamily> out, Set<String> emitted) {
    int pos = 0;
    int length = text.length();
    while (pos < length) {
      int headerEnd = lineEnd(text, pos);
      int headerStart = pos;
      pos = headerEnd + 1;
      if (headerEnd == headerStart) {
        continue;
      }
      int colon = protocolEnd(text, headerStart, headerEnd);
      if (colon < 0 || pos >= length) {
        skipped.add(name());
        continue;
      }
      int valuesEnd = lineEnd(text, pos);
      if (!text.regionMatches(pos, text, headerStart, colon + 1 - headerStart)) {
        skipped.add(name());
        continue;
      }
      Selection selection = selection(text.substring(headerStart, headerEnd), colon - headerStart, file);
      exposeValues(text, pos, valuesEnd, selection, out, emitted);
      pos = valuesEnd + 1;
    }
  }

  private void exposeValues(String text, int from, int to, Selection selection, List<MetricFamily> out,
      Set<String> emitted) {
    if (countTokens(text, from, to) != selection.tokens()) {
      skipped.add(name());
      return;
    }
    int[] positions = selection.positions();
    double[] values = new double[positions.length];
    int next = 0;
    int token = 0;
    int i = from;
    while (i < to && next < positions.length) {
      while (i < to && text.charAt(i) == ' ') {
        i++;
      }
      int start = i;
      while (i < to && text.charAt(i) != ' ') {
        i++;
      }
      if (token == positions[next]) {
        values[next] = parseNumber(text, start, i);
        if (Double.isNaN(values[next])) {
          skipped.add(name());
          return;
        }
        next++;
      }
      token++;
    }
    for (int k = 0; k < positions.length; k++) {
      if (emitted.add(selection.names()[k])) {
        out.add(MetricFamily.single(selection.names()[k], MetricType.UNTYPED, selection.helps()[k], values[k]));
      } else {
        skipped.add(name());
      }
    }
  }

  /** The selection for a header line whose protocol ends at {@code colon}, worked out on first sight. */
  private Selection selection(String header, int colon, String file) {
    Selection known = headers.get(header);
    if (known != null) {
      return known;
    }
    String protocol = header.substring(0, colon);
    String[] tokens = header.substring(colon + 1).strip().split(" +");
    List<Integer> positions = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<String> helps = new ArrayList<>();
    for (int i = 0; i < tokens.length; i++) {
      String key = protocol + "_" + tokens[i];
      if (!tokens[i].isEmpty() && fields.matcher(key).find()) {
        positions.add(i + 1);
        names.add("node_netstat_" + key);
        helps.add(help(protocol, tokens[i], file));
      }
    }
    int[] positionArray = new int[positions.size()];
    for (int i = 0; i < positionArray.length; i++) {
      positionArray[i] = positions.get(i);
    }
    Selection selection = new Selection(countTokens(header, 0, header.length()), positionArray,
        names.toArray(new String[0]), helps.toArray(new String[0]));
    remember(headers, header, selection);
    return selection;
  }

  /** {@code Ip6InOctets    123} lines; the protocol ends at the first {@code 6}. */
  private void snmp6(String text, List<MetricFamily> out, Set<String> emitted) {
    int pos = 0;
    int length = text.length();
    while (pos < length) {
      int eol = lineEnd(text, pos);
      int i = pos;
      pos = eol + 1;
      while (i < eol && isBlank(text.charAt(i))) {
        i++;
      }
      if (i == eol) {
        continue;
      }
      int keyStart = i;
      while (i < eol && !isBlank(text.charAt(i))) {
        i++;
      }
      int keyEnd = i;
      while (i < eol && isBlank(text.charAt(i))) {
        i++;
      }
      int valueStart = i;
      while (i < eol && !isBlank(text.charAt(i))) {
        i++;
      }
      int valueEnd = i;
      if (valueStart == valueEnd) {
        skipped.add(name());
        continue;
      }
      String key = text.substring(keyStart, keyEnd);
      Snmp6Field field = snmp6Fields.get(key);
      if (field == null) {
        field = snmp6Field(key);
        remember(snmp6Fields, key, field);
      }
      if (field == null) {
        skipped.add(name());
        continue;
      }
      if (field == UNSELECTED) {
        continue;
      }
      double value = parseNumber(text, valueStart, valueEnd);
      if (Double.isNaN(value) || !emitted.add(field.name())) {
        skipped.add(name());
        continue;
      }
      out.add(MetricFamily.single(field.name(), MetricType.UNTYPED, field.help(), value));
    }
  }

  /** What an snmp6 key becomes: a metric, {@link #UNSELECTED}, or {@code null} when it names no protocol. */
  private Snmp6Field snmp6Field(String key) {
    int six = key.indexOf('6');
    if (six < 0 || six == key.length() - 1) {
      return null;
    }
    String protocol = key.substring(0, six + 1);
    String field = key.substring(six + 1);
    String name = protocol + "_" + field;
    return fields.matcher(name).find() ? new Snmp6Field("node_netstat_" + name, help(protocol, field, "snmp6"))
        : UNSELECTED;
  }

  private static String help(String protocol, String field, String file) {
    return "Kernel counter " + field + " of " + protocol + " in /proc/net/" + file + ".";
  }

  private static <V> void remember(Map<String, V> cache, String key, V value) {
    if (value == null) {
      return;
    }
    if (cache.size() >= CACHE_LIMIT) {
      cache.clear();
    }
    cache.put(key, value);
  }

  /** The index of the colon ending a leading {@code Proto:} token, or -1 when the line does not start with one. */
  private static int protocolEnd(String text, int from, int to) {
    int i = from;
    while (i < to && text.charAt(i) != ' ' && text.charAt(i) != ':') {
      i++;
    }
    boolean colonEndsToken = i > from && i < to && text.charAt(i) == ':' && (i + 1 == to || text.charAt(i + 1) == ' ');
    return colonEndsToken ? i : -1;
  }

  private static int countTokens(String text, int from, int to) {
    int count = 0;
    boolean inToken = false;
    for (int i = from; i < to; i++) {
      boolean blank = text.charAt(i) == ' ';
      if (!blank && !inToken) {
        count++;
      }
      inToken = !blank;
    }
    return count;
  }

  /** A decimal integer (counters are unsigned; {@code Tcp MaxConn} is -1), or NaN when it is not one. */
  private static double parseNumber(String text, int from, int to) {
    int i = from < to && text.charAt(from) == '-' ? from + 1 : from;
    if (i == to) {
      return Double.NaN;
    }
    long value = 0;
    for (int k = i; k < to; k++) {
      char c = text.charAt(k);
      if (c < '0' || c > '9') {
        return Double.NaN;
      }
      value = value * 10 + (c - '0');
    }
    if (to - i > 18) {
      // Beyond what a long holds exactly: let the JDK round the digits, which are known to be plain.
      return Double.parseDouble(text.substring(from, to));
    }
    return i > from ? -value : value;
  }

  private static boolean isBlank(char c) {
    return c == ' ' || c == '\t';
  }

  private static int lineEnd(String text, int from) {
    int eol = text.indexOf('\n', from);
    return eol < 0 ? text.length() : eol;
  }

  private String readNet(String file) throws IOException {
    return HostNetFiles.ascii(paths, file);
  }

}

package dev.nodewatch.collectors.host;

import dev.nodewatch.collectors.metrics.KernelFiles;
import dev.nodewatch.collectors.metrics.MetricCollector;
import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The node's operating system from its os-release file, as node_exporter's {@code os} collector exposes it:
 * {@code <rootfs>/etc/os-release}, or {@code <rootfs>/usr/lib/os-release} when that does not exist.
 * {@code node_os_info} carries twelve os-release fields as labels (empty when absent); {@code node_os_version} is
 * the leading {@code major.minor} of {@code VERSION_ID} as a number, left out when {@code VERSION_ID} does not
 * start with one (rolling releases) or it is 0.
 *
 * <p>Lines follow the shell-like syntax node_exporter accepts: {@code KEY=value} with optional {@code export }
 * prefix and spaces around {@code =}, values unquoted (ending at {@code #}), in single quotes (literal) or double
 * quotes (with the escapes {@code \"}, {@code \\}, {@code \n}, {@code \t}), or several of these joined; blank and
 * {@code #} lines are comments. A line that breaks the syntax is skipped and counted, and the other fields are
 * still exposed (node_exporter 1.5 drops the whole file and then keeps exposing empty labels).
 *
 * <p>The file is parsed only when its modification time or size changes; a skipped line is therefore counted
 * once per change of the file, not once per scrape. An absolute symbolic link ({@code /etc/os-release ->
 * /usr/lib/os-release}) is followed inside the rootfs, not in this container.
 *
 * <pre>
 * # TYPE node_os_info gauge
 * node_os_info{build_id="",id="debian",id_like="",image_id="",image_version="",name="Debian GNU/Linux",pretty_name="Debian GNU/Linux 12 (bookworm)",variant="",variant_id="",version="12 (bookworm)",version_codename="bookworm",version_id="12"} 1
 * # TYPE node_os_version gauge
 * node_os_version{id="debian",id_like="",name="Debian GNU/Linux"} 12
 * </pre>
 */
public final class OsCollector implements MetricCollector {

  /** os-release keys in node_os_info label order. */
  private static final String[] KEYS = {"BUILD_ID", "ID", "ID_LIKE", "IMAGE_ID", "IMAGE_VERSION", "NAME",
      "PRETTY_NAME", "VARIANT", "VARIANT_ID", "VERSION", "VERSION_CODENAME", "VERSION_ID"};
  private static final String[] LABELS = {"build_id", "id", "id_like", "image_id", "image_version", "name",
      "pretty_name", "variant", "variant_id", "version", "version_codename", "version_id"};
  private static final int ID = 1;
  private static final int ID_LIKE = 2;
  private static final int NAME = 5;
  private static final int VERSION_ID = 11;
  private static final int MAX_SYMLINKS = 8;

  /** The families of one version of one file. */
  private record Parsed(Path file, FileTime modified, long size, List<MetricFamily> families) {}

  private final HostPaths paths;
  private final SkippedLines skipped;
  private volatile Parsed cached;

  public OsCollector(HostPaths paths, SkippedLines skipped) {
    this.paths = paths;
    this.skipped = skipped;
  }

  @Override
  public String name() {
    return "os";
  }

  @Override
  public List<MetricFamily> collect() throws IOException {
    for (String candidate : new String[] {"/etc/os-release", "/usr/lib/os-release"}) {
      Path file = insideRoot(paths.root(candidate));
      BasicFileAttributes attributes;
      try {
        attributes = Files.readAttributes(file, BasicFileAttributes.class);
      } catch (NoSuchFileException e) {
        continue; // try the next location, as node_exporter does
      }
      Parsed last = cached;
      if (last != null && last.file().equals(file) && last.modified().equals(attributes.lastModifiedTime())
          && last.size() == attributes.size()) {
        return last.families();
      }
      Parsed parsed = new Parsed(file, attributes.lastModifiedTime(), attributes.size(),
          families(KernelFiles.lines(file)));
      cached = parsed;
      return parsed.families();
    }
    return List.of();
  }

  /** Follows symbolic links, resolving absolute targets under the rootfs rather than in this container. */
  private Path insideRoot(Path file) throws IOException {
    Path p = file;
    for (int i = 0; i < MAX_SYMLINKS && Files.isSymbolicLink(p); i++) {
      Path target = Files.readSymbolicLink(p);
      p = target.isAbsolute() ? paths.root(target.toString()) : p.resolveSibling(target);
    }
    return p;
  }

  private List<MetricFamily> families(List<String> lines) {
    String[] values = new String[KEYS.length];
    Arrays.fill(values, "");
    for (String line : lines) {
      String entry = line.strip();
      if (entry.isEmpty() || entry.charAt(0) == '#') {
        continue;
      }
      int eq = entry.indexOf('=');
      String key = eq < 0 ? null : key(entry.substring(0, eq).strip());
      String value = key == null ? null : value(entry.substring(eq + 1).strip());
      if (value == null) {
        skipped.add(name());
        continue;
      }
      for (int k = 0; k < KEYS.length; k++) {
        if (KEYS[k].equals(key)) {
          values[k] = value;
          break;
        }
      }
    }
    List<MetricFamily> out = new ArrayList<>(2);
    out.add(MetricFamily.gauge("node_os_info", "Fields of the node's os-release file as labels; always 1.", LABELS)
        .add(1, values)
        .build());
    double version = majorMinor(values[VERSION_ID]);
    if (version > 0) {
      out.add(MetricFamily.gauge("node_os_version", "The major.minor part of VERSION_ID in os-release, as a number.",
              "id", "id_like", "name")
          .add(version, values[ID], values[ID_LIKE], values[NAME])
          .build());
    }
    return List.copyOf(out);
  }

  /** The key without an {@code export } prefix, or null when it is not a variable name. */
  private static String key(String raw) {
    String key = raw.startsWith("export ") ? raw.substring(7) : raw;
    if (key.isEmpty()) {
      return null;
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      boolean letter = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_';
      if (!letter && (i == 0 || c < '0' || c > '9')) {
        return null;
      }
    }
    return key;
  }

  /** The value with quotes and escapes resolved and a trailing comment removed, or null when malformed. */
  private static String value(String raw) {
    StringBuilder out = new StringBuilder(raw.length());
    int significant = 0; // length up to the last character that is not unquoted white space
    char quote = 0;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c < ' ') {
        return null; // control characters, tabs included, are not allowed in a value
      }
      if (quote == '\'') {
        if (c == '\'') {
          quote = 0;
        } else {
          out.append(c);
          significant = out.length();
        }
      } else if (quote == '"') {
        if (c == '"') {
          quote = 0;
        } else if (c == '\\') {
          if (++i == raw.length()) {
            return null;
          }
          switch (raw.charAt(i)) {
            case '"' -> out.append('"');
            case '\\' -> out.append('\\');
            case 'n' -> out.append('\n');
            case 't' -> out.append('\t');
            default -> {
              return null;
            }
          }
          significant = out.length();
        } else {
          out.append(c);
          significant = out.length();
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '#') {
        out.setLength(significant);
        return out.toString();
      } else {
        out.append(c);
        if (c != ' ') {
          significant = out.length();
        }
      }
    }
    return quote == 0 ? out.toString() : null;
  }

  /** node_exporter's {@code ^[0-9]+\.?[0-9]*} on VERSION_ID, as a number; 0 when it does not match. */
  private static double majorMinor(String versionId) {
    int i = 0;
    int len = versionId.length();
    while (i < len && versionId.charAt(i) >= '0' && versionId.charAt(i) <= '9') {
      i++;
    }
    if (i == 0) {
      return 0;
    }
    if (i < len && versionId.charAt(i) == '.') {
      i++;
      while (i < len && versionId.charAt(i) >= '0' && versionId.charAt(i) <= '9') {
        i++;
      }
    }
    return Double.parseDouble(versionId.substring(0, i));
  }
}

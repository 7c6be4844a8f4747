package dev.nodewatch.exporters.forward;

import dev.nodewatch.collectors.queue.LogRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A destination name with placeholders filled from each record: {@code {namespace}}, {@code {pod}},
 * {@code {container}}, {@code {node}}. A name without placeholders costs nothing per record.
 */
public final class TopicTemplate {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");
  private static final List<String> FIELDS = List.of("namespace", "pod", "container", "node");

  private final String fixed;
  private final List<String> literals = new ArrayList<>();
  private final List<Function<LogRecord, String>> fields = new ArrayList<>();

  public TopicTemplate(String template) {
    Matcher m = PLACEHOLDER.matcher(template);
    int at = 0;
    while (m.find()) {
      literals.add(template.substring(at, m.start()));
      fields.add(field(m.group(1)));
      at = m.end();
    }
    literals.add(template.substring(at));
    this.fixed = fields.isEmpty() ? template : null;
  }

  /** The topic when the template has no placeholder, else null. */
  public String fixed() {
    return fixed;
  }

  /** What is wrong with a template, or null. */
  public static String problem(String template) {
    if (template == null || template.isBlank()) {
      return "must be set";
    }
    Matcher m = PLACEHOLDER.matcher(template);
    while (m.find()) {
      if (!FIELDS.contains(m.group(1))) {
        return "unknown placeholder {" + m.group(1) + "} (known: {namespace}, {pod}, {container}, {node})";
      }
    }
    return null;
  }

  public String render(LogRecord record) {
    if (fixed != null) {
      return fixed;
    }
    StringBuilder name = new StringBuilder(literals.get(0));
    for (int i = 0; i < fields.size(); i++) {
      String value = fields.get(i).apply(record);
      name.append(value.isEmpty() ? "unknown" : value).append(literals.get(i + 1));
    }
    return name.toString();
  }

  private static Function<LogRecord, String> field(String name) {
    return switch (name) {
      case "namespace" -> r -> r.source().namespace();
      case "pod" -> r -> r.source().pod();
      case "container" -> r -> r.source().container();
      case "node" -> LogRecord::node;
      default -> throw new IllegalArgumentException("unknown placeholder {" + name + "}");
    };
  }
}

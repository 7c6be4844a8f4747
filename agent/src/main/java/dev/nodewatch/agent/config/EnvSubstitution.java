package dev.nodewatch.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.nodewatch.collectors.config.ConfigProblems;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${VAR}} and {@code ${VAR:-default}} in every string value of the parsed YAML, shell style: the
 * default applies when the variable is unset or empty. {@code $$} writes a literal {@code $}.
 *
 * <p>Substituting values after parsing, not the raw text, keeps a variable's contents from changing the YAML
 * structure and lets a missing variable be reported at its YAML path.
 */
final class EnvSubstitution {

  private static final Pattern REFERENCE =
      Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

  private final Function<String, String> env;

  EnvSubstitution(Map<String, String> env) {
    this.env = env::get;
  }

  /** Substitutes in place below {@code node}, reporting variables that are unset and have no default. */
  void apply(JsonNode node, String path, ConfigProblems problems) {
    if (node instanceof ObjectNode object) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        JsonNode child = object.get(name);
        String childPath = ConfigProblems.path(path, name);
        if (child.isTextual()) {
          object.set(name, substitute(child.asText(), childPath, problems));
        } else {
          apply(child, childPath, problems);
        }
      }
    } else if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        JsonNode child = array.get(i);
        String childPath = path + "[" + i + "]";
        if (child.isTextual()) {
          array.set(i, substitute(child.asText(), childPath, problems));
        } else {
          apply(child, childPath, problems);
        }
      }
    }
  }

  private TextNode substitute(String text, String path, ConfigProblems problems) {
    Matcher m = REFERENCE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement;
      if (m.group().equals("$$")) {
        replacement = "$";
      } else {
        String value = env.apply(m.group(1));
        boolean hasDefault = m.group(2) != null;
        if (value != null && !(hasDefault && value.isEmpty())) {
          replacement = value;
        } else if (hasDefault) {
          replacement = m.group(2);
        } else {
          problems.add(path, "environment variable " + m.group(1) + " is not set (write ${" + m.group(1)
              + ":-default} to allow that)");
          replacement = "";
        }
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return TextNode.valueOf(out.toString());
  }
}

package dev.nodewatch.collectors.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects every problem of a configuration, each at its YAML path ({@code sinks[1].type}), so a user fixes them
 * all in one round instead of one per restart.
 */
public final class ConfigProblems {

  /** One problem: where it is and what is wrong, e.g. {@code server.listen: not host:port, was "9102"}. */
  public record Problem(String path, String message) {
    @Override
    public String toString() {
      return path.isEmpty() ? message : path + ": " + message;
    }
  }

  private final List<Problem> problems = new ArrayList<>();

  public void add(String path, String message) {
    problems.add(new Problem(path, message));
  }

  public List<Problem> all() {
    return List.copyOf(problems);
  }

  public boolean isEmpty() {
    return problems.isEmpty();
  }

  /** Joins a parent path and a key the way the messages print them. */
  public static String path(String parent, String key) {
    return parent.isEmpty() ? key : parent + "." + key;
  }

  /** Checks a path-valued setting is absolute: relative paths in a DaemonSet depend on the image's workdir. */
  public void requireAbsolute(String path, String value) {
    if (value == null || value.isBlank()) {
      add(path, "must be set");
    } else if (!value.startsWith("/")) {
      add(path, "must be an absolute path, was \"" + value + "\"");
    }
  }
}

package dev.nodewatch.agent.config;

import dev.nodewatch.collectors.config.ConfigProblems.Problem;
import java.util.List;
import java.util.stream.Collectors;

/** A configuration that cannot be used, with every problem found in it. */
public final class ConfigException extends Exception {

  private final transient List<Problem> problems;

  public ConfigException(String source, List<Problem> problems) {
    super("invalid configuration " + source + ":\n" + problems.stream().map(p -> "  " + p)
        .collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  public List<Problem> problems() {
    return problems;
  }
}

package dev.nodewatch.collectors.logs;

import dev.nodewatch.collectors.config.ConfigProblems;
import java.time.Duration;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Joins the lines of one logical message (a Java, Python or Go stack trace) into one record: a line matching
 * {@code start} begins a record, the lines after it that do not match are added to it, and a record is complete
 * when the next start line arrives or nothing was added for {@code flushAfter}.
 *
 * @param start a regular expression matched at the start of each line, e.g. {@code ^\S} (continuations are
 *     indented) or {@code ^\d{4}-\d{2}-\d{2}} (records start with a date)
 */
public record MultilineConfig(String start, Duration flushAfter) {

  public MultilineConfig {
    flushAfter = flushAfter == null ? Duration.ofSeconds(1) : flushAfter;
  }

  public Pattern pattern() {
    return Pattern.compile(start);
  }

  public void validate(String path, ConfigProblems problems) {
    if (start == null || start.isEmpty()) {
      problems.add(ConfigProblems.path(path, "start"), "must be set (a regular expression for a record's first line)");
    } else {
      try {
        Pattern.compile(start);
      } catch (PatternSyntaxException e) {
        problems.add(ConfigProblems.path(path, "start"), "not a valid regular expression: " + e.getDescription());
      }
    }
    if (flushAfter.compareTo(Duration.ofMillis(10)) < 0) {
      problems.add(ConfigProblems.path(path, "flush_after"), "must be at least 10ms");
    }
  }
}

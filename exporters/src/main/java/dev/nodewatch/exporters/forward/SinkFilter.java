package dev.nodewatch.exporters.forward;

import dev.nodewatch.collectors.config.ConfigProblems;
import dev.nodewatch.collectors.queue.LogSource;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which records a sink takes ({@code match:}): globs ({@code *}, {@code ?}, {@code [a-z]}, {@code {a,b}}) for
 * namespaces, pods and containers, and label values by label name. A record is taken when, for every key given, it
 * matches one of its globs; with nothing given, every record is taken. The others are skipped by this sink only.
 */
public record SinkFilter(List<String> namespaces, List<String> pods, List<String> containers,
    Map<String, String> labels) {

  public SinkFilter {
    namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
    pods = pods == null ? List.of() : List.copyOf(pods);
    containers = containers == null ? List.of() : List.copyOf(containers);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  public static SinkFilter all() {
    return new SinkFilter(null, null, null, null);
  }

  public void validate(String path, ConfigProblems problems) {
    check(ConfigProblems.path(path, "namespaces"), namespaces, problems);
    check(ConfigProblems.path(path, "pods"), pods, problems);
    check(ConfigProblems.path(path, "containers"), containers, problems);
    labels.forEach((name, glob) -> check(ConfigProblems.path(ConfigProblems.path(path, "labels"), name),
        List.of(glob), problems));
  }

  private static void check(String path, List<String> globs, ConfigProblems problems) {
    for (String glob : globs) {
      try {
        matcher(glob);
      } catch (IllegalArgumentException e) { // PatternSyntaxException among them
        problems.add(path, "not a glob: \"" + glob + "\" (" + e.getMessage().lines().findFirst().orElse("") + ")");
      }
    }
  }

  private static PathMatcher matcher(String glob) {
    return FileSystems.getDefault().getPathMatcher("glob:" + glob);
  }

  /** The filter compiled, remembering its answer for the last source (a batch's records share theirs). */
  public Matcher matcher() {
    return new Matcher(this);
  }

  /** Not thread-safe: one per pipeline thread. */
  public static final class Matcher {
    private final List<PathMatcher> namespaces;
    private final List<PathMatcher> pods;
    private final List<PathMatcher> containers;
    private final Map<String, PathMatcher> labels = new LinkedHashMap<>();
    private final boolean everything;
    private LogSource last;
    private boolean lastTaken;

    private Matcher(SinkFilter filter) {
      this.namespaces = compile(filter.namespaces());
      this.pods = compile(filter.pods());
      this.containers = compile(filter.containers());
      filter.labels().forEach((name, glob) -> labels.put(name, SinkFilter.matcher(glob)));
      this.everything = namespaces.isEmpty() && pods.isEmpty() && containers.isEmpty() && labels.isEmpty();
    }

    private static List<PathMatcher> compile(List<String> globs) {
      List<PathMatcher> matchers = new ArrayList<>(globs.size());
      globs.forEach(glob -> matchers.add(SinkFilter.matcher(glob)));
      return matchers;
    }

    /** Whether there is no filter: every record is taken. */
    public boolean takesAll() {
      return everything;
    }

    public boolean takes(LogSource source) {
      if (everything) {
        return true;
      }
      if (source != last) {
        last = source;
        lastTaken = any(namespaces, source.namespace()) && any(pods, source.pod())
            && any(containers, source.container()) && labelsMatch(source.labels());
      }
      return lastTaken;
    }

    private boolean labelsMatch(Map<String, String> sourceLabels) {
      for (Map.Entry<String, PathMatcher> label : labels.entrySet()) {
        String value = sourceLabels.get(label.getKey());
        if (value == null || !matches(label.getValue(), value)) {
          return false;
        }
      }
      return true;
    }

    private static boolean any(List<PathMatcher> matchers, String value) {
      if (matchers.isEmpty()) {
        return true;
      }
      for (PathMatcher matcher : matchers) {
        if (matches(matcher, value)) {
          return true;
        }
      }
      return false;
    }

    private static boolean matches(PathMatcher matcher, String value) {
      // names and label values hold no '/', so one path element is the whole value
      return !value.isEmpty() && value.indexOf('/') < 0 && matcher.matches(Path.of(value));
    }
  }
}

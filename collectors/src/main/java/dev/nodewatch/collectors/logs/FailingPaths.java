package dev.nodewatch.collectors.logs;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Paths that cannot be opened now (a symlink loop, no permission, an I/O error). A path is counted and logged when
 * it starts failing, not on every scan that retries it: the gauge says how many fail now, the counter how many
 * started to.
 */
final class FailingPaths {

  private final Map<Path, String> failing = new HashMap<>();

  /** Records a failure; true when the path was not failing already (count and log it). */
  boolean failed(Path path, String why) {
    return failing.put(path, why) == null;
  }

  void succeeded(Path path) {
    failing.remove(path);
  }

  /** Forgets paths no longer found: they cannot fail any more. */
  void retainOnly(Set<Path> present) {
    failing.keySet().retainAll(present);
  }

  int size() {
    return failing.size();
  }
}

package dev.nodewatch.agent;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds a server binary the test needs on the PATH. Missing on a developer's machine, the test is skipped with the
 * package to install; missing under {@code CI=true}, it fails, because CI that skips its real-server tests proves
 * nothing.
 */
final class RequiredBinary {

  private RequiredBinary() {}

  static Path find(String name, String aptPackage) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    String reason = name + " is not installed (apt-get install " + aptPackage + "; .ci/run does this)";
    if ("true".equals(System.getenv("CI"))) {
      Assertions.fail(reason);
    }
    Assumptions.abort(reason);
    throw new AssertionError("unreachable");
  }
}

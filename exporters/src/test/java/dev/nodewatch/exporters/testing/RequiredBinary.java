package dev.nodewatch.exporters.testing;

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
public final class RequiredBinary {

  private RequiredBinary() {}

  public static Path find(String name, String aptPackage) {
    // daemons' packages put them in sbin, which a non-root PATH may lack
    String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin";
    for (String dir : path.split(File.pathSeparator)) {
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

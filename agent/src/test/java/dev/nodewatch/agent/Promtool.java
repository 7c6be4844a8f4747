package dev.nodewatch.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/** Runs {@code promtool check metrics} on an exposition. Exit 0: clean; 3: lint findings; 1: does not parse. */
final class Promtool {

  record Result(int exitCode, String output) {
    /** The lint findings, one per line, e.g. {@code node_memory_Active_bytes metric names should be ...}. */
    Set<String> findings() {
      return new TreeSet<>(output.lines().filter(l -> !l.isBlank()).toList());
    }
  }

  private Promtool() {}

  static Result checkMetrics(Path promtool, String exposition, Path workDir) throws IOException,
      InterruptedException {
    Path body = Files.createTempFile(workDir, "exposition", ".txt");
    Files.writeString(body, exposition);
    Process check = new ProcessBuilder(promtool.toString(), "check", "metrics")
        .redirectInput(body.toFile())
        .redirectErrorStream(true)
        .start();
    String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(check.waitFor(), output);
  }
}

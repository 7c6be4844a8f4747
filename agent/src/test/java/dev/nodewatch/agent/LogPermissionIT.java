package dev.nodewatch.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent running as an unprivileged user (nobody) next to a log file it may not read: the file is counted as
 * an open error and logged, and the readable files around it are shipped. Needs root to set the scene (CI runs as
 * root); on a laptop without it the test is skipped, under {@code CI=true} it fails.
 */
class LogPermissionIT {

  private static final String NOBODY = "65534";

  @TempDir
  Path dir;

  @Test
  void aFileTheAgentMayNotReadIsCountedAndTheOthersArrive() throws Exception {
    boolean root = "root".equals(System.getProperty("user.name"));
    if (!root) {
      assertThat(System.getenv("CI")).as("CI runs as root: this test must run there").isNotEqualTo("true");
      Assumptions.abort("needs root to run the agent as another user");
    }
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path good = write("pods/shop_web-1_1111-aa/app/0.log", "rw-r--r--", "readable");
    Path secret = write("pods/shop_vault-1_2222-bb/app/0.log", "rw-------", "secret");
    Path links = Files.createDirectories(dir.resolve("containers"));
    Files.createSymbolicLink(links.resolve("web-1_shop_app-" + "aa".repeat(32) + ".log"), good);
    Files.createSymbolicLink(links.resolve("vault-1_shop_app-" + "bb".repeat(32) + ".log"), secret);
    Path owned = Files.createDirectories(dir.resolve("agent"));
    Path out = owned.resolve("out.ndjson");
    Path config = LogAgentConfig.write(owned.resolve("nodewatch.yaml"), owned.resolve("data"), links, """
          - name: out
            type: file
            path: %s
        """.formatted(out));
    chownToNobody(owned, config);

    try (AgentProcess agent = AgentProcess.start(
        List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--"),
        List.of("-Djna.tmpdir=" + owned.resolve("tmp"), "-Duser.home=" + owned), owned,
        "--config", config.toString())) {
      int port = agent.awaitMetricsPort(Duration.ofSeconds(30));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      String metrics = "";
      while (System.nanoTime() < deadline) {
        metrics = agent.get(port, "/metrics");
        if (Files.exists(out) && Files.readString(out).contains("readable-99") && openErrors(metrics) >= 1) {
          break;
        }
        Thread.sleep(100);
      }
      // counted at every scan while it stays unreadable, logged once a minute
      assertThat(openErrors(metrics)).as(agent.output()).isGreaterThanOrEqualTo(1);
      List<String> records = Files.readAllLines(out);
      assertThat(records).hasSize(100).allMatch(r -> r.contains("\"pod\":\"web-1\""));
      assertThat(String.join("\n", agent.stdout())).contains("cannot open").contains("AccessDeniedException");
      assertThat(agent.status(port, "/readyz")).isEqualTo(200);
    }
  }

  private static double openErrors(String metrics) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^nodewatch_logs_open_errors_total (\\S+)$")
        .matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private Path write(String relative, String mode, String word) throws Exception {
    Path file = dir.resolve(relative);
    Files.createDirectories(file.getParent());
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      lines.append("2026-11-25T10:00:00.000000001Z stdout F ").append(word).append('-').append(i).append('\n');
    }
    Files.writeString(file, lines);
    for (Path p = file.getParent(); !p.equals(dir); p = p.getParent()) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    return file;
  }

  private static void chownToNobody(Path... paths) throws Exception {
    for (Path path : paths) {
      Process chown = new ProcessBuilder("chown", "-R", NOBODY + ":" + NOBODY, path.toString()).inheritIO().start();
      assertThat(chown.waitFor()).isZero();
    }
  }
}

package dev.nodewatch.agent;

import dev.nodewatch.exporters.testing.RequiredBinary;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.host.FilesystemConfig;
import dev.nodewatch.collectors.host.HostConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nodewatch and node_exporter (apt {@code prometheus-node-exporter}) side by side on this host, with the same
 * collectors and the same exclusions (upstream node_exporter's defaults, which Debian's build changes for mounts and
 * for lo): every family both expose must have the same TYPE and label names, constants
 * must agree exactly, and moving values must lie where node_exporter's own scrapes just before and just after put
 * them.
 */
class NodeExporterParityIT {

  /** Values that do not move while the test runs: compared exactly. */
  private static final Set<String> CONSTANT = Set.of(
      "node_memory_MemTotal_bytes", "node_memory_SwapTotal_bytes", "node_boot_time_seconds",
      "node_filesystem_size_bytes", "node_filesystem_files", "node_filesystem_readonly",
      "node_filesystem_device_error", "node_uname_info", "node_os_info", "node_os_version", "node_filefd_maximum",
      "node_network_mtu_bytes", "node_network_up", "node_network_info", "node_network_speed_bytes",
      "node_network_iface_id", "node_entropy_pool_size_bits", "node_nf_conntrack_entries_limit",
      "node_time_clocksource_current_info", "node_time_clocksource_available_info", "node_time_zone_offset_seconds");

  /**
   * Gauges that count what runs at this instant; the scrapers themselves are part of it, so they may differ by a few
   * more than other gauges.
   */
  private static final Set<String> INSTANTANEOUS = Set.of("node_procs_running", "node_procs_blocked");

  /** Families whose label sets (devices, mounts, CPUs) must be the same series in both. */
  private static final Set<String> SAME_SERIES = Set.of(
      "node_cpu_seconds_total", "node_disk_reads_completed_total", "node_network_receive_bytes_total",
      "node_filesystem_size_bytes", "node_network_up", "node_uname_info", "node_os_info", "node_load1",
      "node_memory_MemTotal_bytes");

  private boolean instantaneousDiffer(Exposition before, Exposition ours, Exposition after) {
    List<String> problems = new ArrayList<>();
    for (String family : INSTANTANEOUS) {
      if (before.types().containsKey(family) && ours.types().containsKey(family)) {
        compareValues(family, before, ours, after, problems);
      }
    }
    return !problems.isEmpty();
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir
  Path dir;

  @Test
  void nodewatchExposesNodeExporterFamiliesWithTheSameTypesLabelsAndValues() throws Exception {
    List<String> collectors = new ArrayList<>(new TreeSet<>(HostConfig.KNOWN_COLLECTORS));
    int nePort = freePort();
    List<String> flags = new ArrayList<>(List.of("--collector.disable-defaults"));
    collectors.forEach(c -> flags.add("--collector." + c));
    Process ne = startNodeExporter(nePort, flags);
    Path config = writeConfig("host:\n  collectors: [" + String.join(", ", collectors) + "]\n");
    try (AgentProcess agent = AgentProcess.start(dir, "--config", config.toString())) {
      int port = agent.awaitMetricsPort(Duration.ofSeconds(10));
      agent.awaitStatus(port, "/readyz", 200, Duration.ofSeconds(10));
      String neUrl = "http://127.0.0.1:" + nePort + "/metrics";
      awaitUp(neUrl, ne);
      // Warm both up once, then take node_exporter, nodewatch, node_exporter back to back.
      get(neUrl);
      agent.get(port, "/metrics");
      Exposition before = Exposition.parse(get(neUrl));
      Exposition ours = Exposition.parse(agent.get(port, "/metrics"));
      Exposition after = Exposition.parse(get(neUrl));
      // A runnable-task count read at one instant is only as steady as the machine: when that is all that
      // differs, the three scrapes are taken again (at most twice more) rather than the bound widened.
      for (int attempt = 0; attempt < 2 && instantaneousDiffer(before, ours, after); attempt++) {
        before = Exposition.parse(get(neUrl));
        ours = Exposition.parse(agent.get(port, "/metrics"));
        after = Exposition.parse(get(neUrl));
      }

      TreeSet<String> theirs = new TreeSet<>();
      for (String family : before.types().keySet()) {
        if (family.startsWith("node_") && !family.startsWith("node_exporter_")
            && !family.startsWith("node_scrape_collector_")) {
          theirs.add(family);
        }
      }
      TreeSet<String> missing = new TreeSet<>(theirs);
      missing.removeAll(ours.types().keySet());
      double coverage = 1.0 - (double) missing.size() / theirs.size();
      System.out.printf("node_exporter parity: nodewatch exposes %d of node_exporter's %d families (%.1f%%)%n",
          theirs.size() - missing.size(), theirs.size(), coverage * 100);
      System.out.println("missing: " + missing);

      List<String> problems = new ArrayList<>();
      for (String family : theirs) {
        if (missing.contains(family)) {
          continue;
        }
        if (!before.types().get(family).equals(ours.types().get(family))) {
          problems.add(family + ": TYPE " + ours.types().get(family) + ", node_exporter " + before.types().get(family));
        }
        if (!before.labelNames(family).equals(ours.labelNames(family))) {
          problems.add(family + ": labels " + ours.labelNames(family) + ", node_exporter " + before.labelNames(family));
        }
        compareValues(family, before, ours, after, problems);
      }
      assertThat(problems).as("differences from node_exporter").isEmpty();

      // promtool's lint: the host families may raise only what node_exporter's own names raise.
      Path promtool = RequiredBinary.find("promtool", "prometheus");
      Promtool.Result theirLint = Promtool.checkMetrics(promtool, get(neUrl), dir);
      Promtool.Result ourLint = Promtool.checkMetrics(promtool, agent.get(port, "/metrics"), dir);
      assertThat(ourLint.exitCode()).as("promtool must parse the exposition: " + ourLint.output()).isIn(0, 3);
      assertThat(ourLint.findings()).as("lint findings beyond node_exporter's own")
          .isSubsetOf(theirLint.findings());
      assertThat(coverage).as("share of node_exporter's families, missing " + missing).isGreaterThanOrEqualTo(0.9);
    } finally {
      stop(ne);
    }
  }

  @Test
  void everyDashboardNameNodeExporterExposesHereNodewatchExposesToo() throws Exception {
    Set<String> dashboard = new TreeSet<>();
    try (var in = getClass().getResourceAsStream("/compat/node-exporter-full.metrics.txt")) {
      new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
          .filter(l -> !l.isBlank() && !l.startsWith("#")).forEach(dashboard::add);
    }
    int nePort = freePort();
    Process ne = startNodeExporter(nePort, List.of());
    Path config = writeConfig("");
    try (AgentProcess agent = AgentProcess.start(dir, "--config", config.toString())) {
      int port = agent.awaitMetricsPort(Duration.ofSeconds(10));
      agent.awaitStatus(port, "/readyz", 200, Duration.ofSeconds(10));
      String neUrl = "http://127.0.0.1:" + nePort + "/metrics";
      awaitUp(neUrl, ne);
      Set<String> theirs = new TreeSet<>(Exposition.parse(get(neUrl)).types().keySet());
      theirs.retainAll(dashboard);
      Set<String> missing = new TreeSet<>(theirs);
      missing.removeAll(Exposition.parse(agent.get(port, "/metrics")).types().keySet());
      System.out.printf("Node Exporter Full: node_exporter exposes %d of its %d names here; nodewatch lacks %s%n",
          theirs.size(), dashboard.size(), missing);
      assertThat(missing).as("dashboard names node_exporter exposes on this machine").isEmpty();
    } finally {
      stop(ne);
    }
  }

  /** node_exporter with upstream 1.5 defaults (Debian's build changes the mount and lo exclusions) plus flags. */
  private Process startNodeExporter(int port, List<String> flags) throws IOException {
    Path nodeExporter = RequiredBinary.find("prometheus-node-exporter", "prometheus-node-exporter");
    List<String> command = new ArrayList<>(List.of(nodeExporter.toString(),
        "--web.listen-address=127.0.0.1:" + port,
        "--collector.filesystem.mount-points-exclude=" + FilesystemConfig.DEFAULT_MOUNT_POINTS_EXCLUDE,
        "--collector.filesystem.fs-types-exclude=" + FilesystemConfig.DEFAULT_FS_TYPES_EXCLUDE,
        "--collector.netdev.device-exclude="));
    command.addAll(flags);
    return new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("node_exporter.log").toFile()).start();
  }

  private Path writeConfig(String hostYaml) throws IOException {
    Path config = dir.resolve("nodewatch.yaml");
    Files.writeString(config, "data_dir: " + dir.resolve("data") + "\nserver:\n  listen: 127.0.0.1:0\n"
        + "debug:\n  listen: \"\"\n" + hostYaml);
    return config;
  }

  private static void stop(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  private static void compareValues(String family, Exposition before, Exposition ours, Exposition after,
      List<String> problems) {
    Map<String, Double> b = before.series(family);
    Map<String, Double> a = after.series(family);
    Map<String, Double> o = ours.series(family);
    if (SAME_SERIES.contains(family) && !b.keySet().equals(o.keySet())) {
      problems.add(family + ": series " + o.keySet() + ", node_exporter " + b.keySet());
      return;
    }
    boolean counter = "counter".equals(before.types().get(family));
    for (Map.Entry<String, Double> e : b.entrySet()) {
      Double mine = o.get(e.getKey());
      Double later = a.get(e.getKey());
      if (mine == null || later == null) {
        continue;
      }
      double lo = Math.min(e.getValue(), later);
      double hi = Math.max(e.getValue(), later);
      double slack;
      if (CONSTANT.contains(family)) {
        slack = 0;
      } else if (INSTANTANEOUS.contains(family)) {
        slack = 6;
      } else if (counter) {
        slack = 0.01 * Math.abs(hi) + 1;
      } else {
        slack = Math.max(2, 0.05 * Math.abs(hi));
      }
      if (mine < lo - slack || mine > hi + slack) {
        problems.add(family + e.getKey().substring(family.length()) + ": " + mine + ", node_exporter " + lo
            + (lo == hi ? "" : ".." + hi));
      }
    }
  }

  private String get(String url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  private void awaitUp(String url, Process process) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("node_exporter exited: " + Files.readString(dir.resolve("node_exporter.log")));
      }
      try {
        get(url);
        return;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("node_exporter did not answer: " + Files.readString(dir.resolve("node_exporter.log")));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}

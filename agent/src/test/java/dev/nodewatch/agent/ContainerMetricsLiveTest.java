package dev.nodewatch.agent;

import dev.nodewatch.exporters.testing.RequiredBinary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.nodewatch.agent.config.AgentConfig;
import dev.nodewatch.agent.config.ConfigLoader;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent against real cgroup v1 hierarchies: a kubepods-shaped cgroup (cgroupfs driver layout) under each
 * controller, a real process in it that holds 64 MiB and burns CPU, named from log directories as kubelet writes
 * them, scraped over HTTP; then the process is killed and the cgroup removed, and its series must be gone. Needs
 * root and writable v1 hierarchies: skipped without them on a laptop, failed under {@code CI=true}, where the test
 * machines have them.
 */
class ContainerMetricsLiveTest {

  private static final Path ROOT = Path.of("/sys/fs/cgroup");
  private static final List<String> CONTROLLERS = List.of("memory", "cpu", "cpuacct", "pids", "blkio");
  private static final double MIB = 1024 * 1024;

  @TempDir
  Path logRoot;

  /** On a block device (not tmpfs), so the child's direct I/O shows in blkio. */
  @TempDir(factory = ScratchOnDisk.class)
  Path scratch;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void aRealContainerCgroupIsMeasuredNamedAndForgottenWhenRemoved() throws Exception {
    requireWritableV1();
    Path unshare = RequiredBinary.find("unshare", "util-linux");
    Path nsenter = RequiredBinary.find("nsenter", "util-linux");
    Path ip = RequiredBinary.find("ip", "iproute2");
    String uid = UUID.randomUUID().toString();
    String id = UUID.randomUUID().toString().replace("-", "").repeat(2);
    Path relative = Path.of("nodewatch-live-" + uid.substring(0, 8), "kubepods", "burstable", "pod" + uid, id);
    Path pods = Files.createDirectories(logRoot.resolve("pods/shop_cart-0_" + uid + "/app"));
    Files.createDirectories(logRoot.resolve("containers"));
    Files.createSymbolicLink(logRoot.resolve("containers/cart-0_shop_app-" + id + ".log"), pods.resolve("0.log"));

    List<Path> created = new ArrayList<>();
    Process child = null;
    Agent agent = null;
    try {
      for (String controller : CONTROLLERS) {
        Path dir = ROOT.resolve(controller);
        for (Path part : relative) {
          dir = dir.resolve(part);
          Files.createDirectory(dir);
          created.add(dir);
        }
      }
      // A CPU limit of 2 cores, as a pod spec with limits.cpu: 2 gets: the CFS series exist only with a quota.
      Files.writeString(ROOT.resolve("cpu").resolve(relative).resolve("cpu.cfs_quota_us"), "200000");
      // v1 accounts a cgroup's block I/O only once a throttle rule exists for the device (kernels 5.x on); a limit
      // of 1 TiB/s turns accounting on without slowing anything.
      String disk = wholeDiskNumber(scratch);
      Path blkio = ROOT.resolve("blkio").resolve(relative);
      Files.writeString(blkio.resolve("blkio.throttle.read_bps_device"), disk + " 1099511627776");
      Files.writeString(blkio.resolve("blkio.throttle.write_bps_device"), disk + " 1099511627776");
      // Its own network namespace, as a pod has, with a veth pair in it: the pod's network series come from there.
      child = new ProcessBuilder(unshare.toString(), "--net", ProcessHandle.current().info().command().orElseThrow(),
          "-Xmx160m", "-Xms100m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
          BurnAndHold.class.getName(), scratch.resolve("io").toString())
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      run(nsenter.toString(), "--target", Long.toString(child.pid()), "--net", ip.toString(), "link", "add", "eth0",
          "type", "veth", "peer", "name", "eth1");
      for (String controller : CONTROLLERS) {
        Files.writeString(ROOT.resolve(controller).resolve(relative).resolve("cgroup.procs"),
            Long.toString(child.pid()));
      }
      Writer toChild = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
      toChild.write("go\n");
      toChild.flush();
      BufferedReader fromChild = new BufferedReader(new InputStreamReader(child.getInputStream(),
          StandardCharsets.UTF_8));
      assertThat(fromChild.readLine()).isEqualTo("held");

      agent = startAgent();
      Map<String, String> plain = Map.of("container", "app", "id", "/" + relative, "image", "", "name", id,
          "namespace", "shop", "pod", "cart-0");
      Map<String, String> container = new java.util.HashMap<>(plain);
      container.put("cpu", "total");
      Exposition first = scrape(agent);
      double cpuBefore = value(first, "container_cpu_usage_seconds_total", container);
      double childBefore = childCpuSeconds(child);
      Thread.sleep(2000);
      Exposition second = scrape(agent);
      double cpuAfter = value(second, "container_cpu_usage_seconds_total", container);
      double childAfter = childCpuSeconds(child);

      double burnt = childAfter - childBefore;
      assertThat(burnt).as("the child burnt CPU").isGreaterThan(0.5);
      assertThat(cpuAfter - cpuBefore).isCloseTo(burnt, within(0.25 * burnt + 0.3));
      assertThat(value(second, "container_memory_working_set_bytes", plain)).isGreaterThanOrEqualTo(64 * MIB);
      assertThat(value(second, "container_processes", plain)).isGreaterThanOrEqualTo(1);
      assertThat(value(second, "container_spec_cpu_quota", plain)).isEqualTo(200_000);
      assertThat(value(second, "container_cpu_cfs_periods_total", plain)).isPositive();
      assertThat(value(second, "container_threads", plain)).isGreaterThanOrEqualTo(1);
      assertThat(value(second, "container_start_time_seconds", plain))
          .isCloseTo(System.currentTimeMillis() / 1000.0, within(300.0));
      Map<String, String> pod = Map.of("container", "", "id", "/" + relative.getParent(), "image", "", "name", "",
          "namespace", "shop", "pod", "cart-0");
      assertThat(value(second, "container_processes", pod)).as("a pod counts its containers' processes")
          .isGreaterThanOrEqualTo(1);
      assertThat(second.samplesByFamily().get("container_fs_reads_bytes_total"))
          .filteredOn(s -> s.labels().get("id").equals("/" + relative))
          .as("the child's 1 MiB direct read").anySatisfy(s -> assertThat(s.value()).isGreaterThanOrEqualTo(MIB));
      Map<String, String> eth0 = new java.util.HashMap<>(pod);
      eth0.put("interface", "eth0");
      assertThat(second.series("container_network_transmit_bytes_total")).containsKey(
          "container_network_transmit_bytes_total" + new java.util.TreeMap<>(eth0));
      assertThat(second.samplesByFamily().get("container_network_receive_bytes_total"))
          .extracting(s -> s.labels().get("interface")).contains("eth0", "eth1").doesNotContain("lo");
      assertThat(second.samplesByFamily().values().stream().flatMap(List::stream).map(Exposition.Sample::name))
          .as("every name kubernetes-mixin's dashboards and alerts use").containsAll(mixinNames());

      child.destroyForcibly();
      assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
      for (int i = created.size() - 1; i >= 0; i--) {
        removeCgroup(created.get(i));
      }
      created.clear();
      Exposition gone = scrape(agent);
      for (Map.Entry<String, List<Exposition.Sample>> family : gone.samplesByFamily().entrySet()) {
        assertThat(family.getValue()).as(family.getKey())
            .noneMatch(s -> uid.equals(s.labels().get("pod")) || "cart-0".equals(s.labels().get("pod")));
      }
      assertThat(gone.series("nodewatch_scrape_collector_success"))
          .containsEntry("nodewatch_scrape_collector_success" + Map.of("collector", "cgroup"), 1.0);
    } finally {
      if (agent != null) {
        agent.shutdown();
      }
      if (child != null) {
        child.destroyForcibly();
        child.waitFor(10, TimeUnit.SECONDS);
      }
      for (int i = created.size() - 1; i >= 0; i--) {
        removeCgroup(created.get(i));
      }
    }
  }

  private Agent startAgent() throws Exception {
    AgentConfig config = new ConfigLoader(Map.of(), () -> "test-node").parse("""
        data_dir: /tmp/nodewatch-test
        shutdown_timeout: 10s
        server:
          listen: 127.0.0.1:0
        containers:
          cgroup_root: /sys/fs/cgroup
        kubelet:
          log_root: %s
        """.formatted(logRoot), "live.yaml");
    Agent agent = new Agent(config, "test", Clock.systemUTC());
    agent.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return agent;
  }

  private Exposition scrape(Agent agent) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + agent.metricsPort() + "/metrics")).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return Exposition.parse(response.body());
  }

  private static double value(Exposition exposition, String family, Map<String, String> labels) {
    String key = family + new java.util.TreeMap<>(labels);
    Double value = exposition.series(family).get(key);
    assertThat(value).as(key + " in " + exposition.series(family).keySet()).isNotNull();
    return value;
  }

  /** The metric names in the kubernetes-mixin list (a copy of the shared compat file). */
  private static List<String> mixinNames() throws Exception {
    List<String> names = new ArrayList<>();
    try (var in = ContainerMetricsLiveTest.class.getResourceAsStream("/compat/kubernetes-mixin.metrics.txt")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          names.add(line.strip());
        }
      }
    }
    assertThat(names).hasSizeGreaterThan(20);
    return names;
  }

  /** {@code major:minor} of the whole disk a directory is on (throttle rules take no partitions). */
  private static String wholeDiskNumber(Path dir) throws Exception {
    String store = Files.getFileStore(dir).name();
    assertThat(store).as(dir + " must be on a block device for the blkio part of this test").startsWith("/dev/");
    Path block = Path.of("/sys/class/block").resolve(Path.of(store).getFileName());
    if (Files.exists(block.resolve("partition"))) {
      block = block.toRealPath().getParent();
    }
    return Files.readString(block.resolve("dev")).strip();
  }

  /** Temporary directories under the build directory, which is on a disk, unlike a tmpfs /tmp. */
  static final class ScratchOnDisk implements org.junit.jupiter.api.io.TempDirFactory {
    @Override
    public Path createTempDirectory(org.junit.jupiter.api.extension.AnnotatedElementContext element,
        org.junit.jupiter.api.extension.ExtensionContext context) throws Exception {
      return Files.createTempDirectory(Files.createDirectories(Path.of("target")), "scratch");
    }
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
  }

  private static double childCpuSeconds(Process child) {
    return child.info().totalCpuDuration().orElseThrow().toNanos() / 1e9;
  }

  private static void requireWritableV1() {
    String missing = null;
    if (!"root".equals(System.getProperty("user.name"))) {
      missing = "needs root";
    }
    for (String controller : CONTROLLERS) {
      if (missing == null && !Files.isWritable(ROOT.resolve(controller).resolve("cgroup.procs"))) {
        missing = "needs a writable cgroup v1 " + controller + " hierarchy at " + ROOT.resolve(controller);
      }
    }
    if (missing != null) {
      if ("true".equals(System.getenv("CI"))) {
        Assertions.fail(missing + " (the CI machines have one)");
      }
      Assumptions.abort(missing);
    }
  }

  /** rmdir of an empty cgroup; a dying task can keep it busy for a moment, so retry briefly. */
  private static void removeCgroup(Path dir) throws Exception {
    for (int attempt = 0; ; attempt++) {
      try {
        Files.deleteIfExists(dir);
        return;
      } catch (java.nio.file.FileSystemException e) {
        if (attempt == 50) {
          throw e;
        }
        Thread.sleep(100);
      }
    }
  }
}

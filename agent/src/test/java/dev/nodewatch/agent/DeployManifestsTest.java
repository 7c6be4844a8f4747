package dev.nodewatch.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.nodewatch.agent.config.AgentConfig;
import dev.nodewatch.agent.config.ConfigException;
import dev.nodewatch.agent.config.ConfigLoader;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The deployment manifest and the Helm chart (rendered by Helm's own template engine), parsed strictly into
 * Kubernetes model classes (a field the API does not know fails the test) and checked against what the agent serves
 * and needs: probe paths and ports, read-only host paths, the ConfigMap's configuration passing the agent's own
 * validation, resources, least privilege.
 */
class DeployManifestsTest {

  private static final Path DEPLOY = Path.of("..", "deploy");
  private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
      "Namespace", Namespace.class, "ServiceAccount", ServiceAccount.class, "ClusterRole", ClusterRole.class,
      "ClusterRoleBinding", ClusterRoleBinding.class, "ConfigMap", ConfigMap.class, "DaemonSet", DaemonSet.class,
      "Service", Service.class);

  private final ObjectMapper yaml = new YAMLMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** Where the objects come from: the plain manifest, or the Helm chart rendered by Helm's own engine. */
  enum Source { MANIFEST, CHART }

  private List<HasMetadata> manifest() throws Exception {
    List<HasMetadata> out = parse(Files.readString(DEPLOY.resolve("daemonset.yaml")));
    out.addAll(parse(Files.readString(DEPLOY.resolve("podmonitor.yaml"))));
    return out;
  }

  /** The chart with its defaults, plus the optional PodMonitor and one secret mount, as `helm template` renders it. */
  private List<HasMetadata> chart() throws Exception {
    String rendered = new Helm(DEPLOY.resolve("helm/nodewatch")).template().withName("nodewatch")
        .withNamespace("nodewatch").set("podMonitor.enabled", "true")
        .set("secretMounts[0].name", "clickhouse").set("secretMounts[0].secretName", "clickhouse")
        .set("secretMounts[0].mountPath", "/etc/nodewatch/secrets/clickhouse").call();
    return parse(rendered);
  }

  private List<HasMetadata> resources(Source source) throws Exception {
    return source == Source.MANIFEST ? manifest() : chart();
  }

  /** Every document of a multi-document YAML text, each into its model class; unknown fields fail. */
  private List<HasMetadata> parse(String text) throws Exception {
    List<HasMetadata> out = new ArrayList<>();
    ObjectReader reader = yaml.readerFor(JsonNode.class);
    try (var docs = reader.readValues(new YAMLFactory().createParser(text))) {
      while (docs.hasNext()) {
        JsonNode doc = (JsonNode) docs.next();
        if (doc == null || doc.isMissingNode() || doc.isNull() || doc.isEmpty()) {
          continue;
        }
        String kind = doc.path("kind").asText();
        if (kind.equals("PodMonitor")) {
          out.add(yaml.treeToValue(doc, GenericKubernetesResource.class)); // a CRD: no model class to check against
          continue;
        }
        assertThat(KINDS).as("kind " + kind).containsKey(kind);
        HasMetadata resource = yaml.treeToValue(doc, KINDS.get(kind));
        assertNoUnknownFields(resource, kind);
        out.add(resource);
      }
    }
    return out;
  }

  private static <T> T only(List<HasMetadata> resources, Class<T> type) {
    List<T> found = resources.stream().filter(type::isInstance).map(type::cast).toList();
    assertThat(found).as(type.getSimpleName()).hasSize(1);
    return found.get(0);
  }

  @ParameterizedTest
  @EnumSource(Source.class)
  void everyDocumentIsAKnownKindWithOnlyKnownFieldsInTheNodewatchNamespace(Source source) throws Exception {
    List<HasMetadata> resources = resources(source);
    List<String> kinds = new ArrayList<>(List.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "ConfigMap",
        "DaemonSet", "Service", "PodMonitor"));
    if (source == Source.MANIFEST) {
      kinds.add("Namespace"); // Helm installs into a namespace made beforehand (README)
    }
    assertThat(resources).extracting(HasMetadata::getKind).containsExactlyInAnyOrderElementsOf(kinds);
    for (HasMetadata r : resources) {
      if (!(r instanceof Namespace || r instanceof ClusterRole || r instanceof ClusterRoleBinding)) {
        assertThat(r.getMetadata().getNamespace()).as(r.getKind()).isEqualTo("nodewatch");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Source.class)
  void theClusterRoleGrantsOnlyReadingPodsFromTheKubelet(Source source) throws Exception {
    List<HasMetadata> resources = resources(source);
    ClusterRole role = only(resources, ClusterRole.class);
    assertThat(role.getRules()).hasSize(1);
    PolicyRule rule = role.getRules().get(0);
    assertThat(rule.getApiGroups()).containsExactly("");
    assertThat(rule.getResources()).containsExactly("nodes/pods");
    assertThat(rule.getVerbs()).containsExactly("get");
    ClusterRoleBinding binding = only(resources, ClusterRoleBinding.class);
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    ServiceAccount account = only(resources, ServiceAccount.class);
    assertThat(binding.getSubjects()).singleElement().satisfies(s -> {
      assertThat(s.getName()).isEqualTo(account.getMetadata().getName());
      assertThat(s.getNamespace()).isEqualTo("nodewatch");
    });
    assertThat(only(resources, DaemonSet.class).getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo(account.getMetadata().getName());
  }

  @ParameterizedTest
  @EnumSource(Source.class)
  void theConfigMapConfigurationPassesTheAgentsOwnValidation(Source source) throws Exception {
    AgentConfig config = configMapConfig(resources(source));
    assertThat(config.nodeName()).isEqualTo("node-1");
    assertThat(config.kubelet().endpoint()).isEqualTo("https://10.0.0.7:10250");
    assertThat(config.debug().address().orElseThrow().host()).as("debug stays inside the pod").isEqualTo("127.0.0.1");
  }

  @ParameterizedTest
  @EnumSource(Source.class)
  void theDaemonSetFollowsTheConventionsOfANodeAgent(Source source) throws Exception {
    List<HasMetadata> resources = resources(source);
    DaemonSet ds = only(resources, DaemonSet.class);
    PodSpec pod = ds.getSpec().getTemplate().getSpec();
    assertThat(ds.getSpec().getUpdateStrategy().getType()).isEqualTo("RollingUpdate");
    assertThat(ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getStrVal()).isEqualTo("10%");
    assertThat(pod.getTolerations()).anySatisfy(t -> {
      assertThat(t.getOperator()).isEqualTo("Exists");
      assertThat(t.getKey()).isNull();
    });
    assertThat(pod.getPriorityClassName()).isEqualTo("system-node-critical");
    assertThat(pod.getHostPID()).isTrue();
    assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(ds.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(ds.getSpec().getSelector().getMatchLabels());

    Container c = pod.getContainers().get(0);
    Map<String, String> downward = c.getEnv().stream().filter(e -> e.getValueFrom() != null)
        .collect(Collectors.toMap(EnvVar::getName, e -> e.getValueFrom().getFieldRef().getFieldPath()));
    assertThat(downward).containsEntry("NODE_NAME", "spec.nodeName").containsEntry("NODE_IP", "status.hostIP")
        .containsEntry("POD_NAME", "metadata.name").containsEntry("POD_NAMESPACE", "metadata.namespace");

    var sc = c.getSecurityContext();
    assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
    assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
    assertThat(sc.getPrivileged()).isNotEqualTo(Boolean.TRUE);
    assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(sc.getCapabilities().getAdd()).isNullOrEmpty();

    for (String kind : List.of("cpu", "memory")) {
      Quantity request = c.getResources().getRequests().get(kind);
      Quantity limit = c.getResources().getLimits().get(kind);
      assertThat(request).as("request " + kind).isNotNull();
      assertThat(limit).as("limit " + kind).isNotNull();
      assertThat(Quantity.getAmountInBytes(limit)).isGreaterThanOrEqualTo(Quantity.getAmountInBytes(request));
    }
    // BENCHMARKS.md: ~98 MiB RSS under load; the limit must leave room above it.
    assertThat(Quantity.getAmountInBytes(c.getResources().getLimits().get("memory")).longValue())
        .isGreaterThanOrEqualTo(192L << 20);
    assertThat(c.getLifecycle().getPreStop()).isNotNull();
  }

  @ParameterizedTest
  @EnumSource(Source.class)
  void probesAndTheScrapePortAreTheOnesTheAgentServes(Source source) throws Exception {
    List<HasMetadata> resources = resources(source);
    AgentConfig config = configMapConfig(resources);
    DaemonSet ds = only(resources, DaemonSet.class);
    Container c = ds.getSpec().getTemplate().getSpec().getContainers().get(0);
    int port = config.server().address().port();
    assertThat(c.getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getName()).isEqualTo("metrics");
      assertThat(p.getContainerPort()).isEqualTo(port);
    });
    for (Probe probe : List.of(c.getStartupProbe(), c.getReadinessProbe())) {
      assertThat(probe.getHttpGet().getPath()).isEqualTo("/readyz");
      assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("metrics");
    }
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(c.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("metrics");
    assertThat(ds.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("prometheus.io/scrape", "true").containsEntry("prometheus.io/port", Integer.toString(port));
    long grace = ds.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds();
    assertThat(grace).as("room to flush: shutdown_delay + shutdown_timeout")
        .isGreaterThanOrEqualTo(config.shutdownDelay().plus(config.shutdownTimeout()).toSeconds());
    Service service = only(resources, Service.class);
    assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(service.getSpec().getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getPort()).isEqualTo(port);
      assertThat(p.getTargetPort().getStrVal()).isEqualTo("metrics");
    });
    assertThat(ds.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(service.getSpec().getSelector());
    assertThat(c.getArgs()).containsExactly("--config", "/etc/nodewatch/nodewatch.yaml");
  }

  @ParameterizedTest
  @EnumSource(Source.class)
  void everyHostPathIsReadOnlyExceptTheQueueDirectory(Source source) throws Exception {
    List<HasMetadata> resources = resources(source);
    AgentConfig config = configMapConfig(resources);
    PodSpec pod = only(resources, DaemonSet.class).getSpec().getTemplate().getSpec();
    Map<String, Volume> volumes = pod.getVolumes().stream().collect(Collectors.toMap(Volume::getName, v -> v));
    List<VolumeMount> mounts = pod.getContainers().get(0).getVolumeMounts();
    Set<String> hostPaths = new java.util.TreeSet<>();
    for (VolumeMount mount : mounts) {
      Volume volume = volumes.get(mount.getName());
      assertThat(volume).as("volume of mount " + mount.getName()).isNotNull();
      if (volume.getHostPath() == null) {
        continue;
      }
      hostPaths.add(volume.getHostPath().getPath());
      if (mount.getMountPath().equals(config.dataDir())) {
        assertThat(mount.getReadOnly()).as(mount.getName()).isNotEqualTo(Boolean.TRUE);
        assertThat(volume.getHostPath().getType()).isEqualTo("DirectoryOrCreate");
      } else {
        assertThat(mount.getReadOnly()).as(mount.getName() + " at " + mount.getMountPath()).isTrue();
      }
    }
    assertThat(hostPaths).contains("/proc", "/sys", "/var/log", "/var/lib/docker/containers", "/var/lib/nodewatch");
    for (VolumeMount mount : mounts) {
      if (volumes.get(mount.getName()).getSecret() != null) {
        assertThat(mount.getReadOnly()).as("secret " + mount.getName()).isTrue();
      }
    }
    assertThat(mounts).extracting(VolumeMount::getMountPath).contains(config.dataDir(), config.host().procfs(),
        config.host().sysfs(), config.host().rootfs(), config.kubelet().logRoot(), "/etc/nodewatch", "/tmp");
    assertThat(config.containers().cgroupRoot()).startsWith(config.host().sysfs());
  }

  @ParameterizedTest
  @EnumSource(Source.class)
  void thePodMonitorSelectsTheAgentsAndTheirMetricsPort(Source source) throws Exception {
    List<HasMetadata> resources = resources(source);
    GenericKubernetesResource monitor = only(resources, GenericKubernetesResource.class);
    assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(monitor.getKind()).isEqualTo("PodMonitor");
    Map<String, String> podLabels = only(resources, DaemonSet.class).getSpec().getTemplate().getMetadata()
        .getLabels();
    Map<String, Object> selector = monitor.get("spec", "selector", "matchLabels");
    assertThat(podLabels).containsAllEntriesOf(selector.entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> (String) e.getValue())));
    List<Map<String, Object>> endpoints = monitor.get("spec", "podMetricsEndpoints");
    assertThat(endpoints).singleElement().satisfies(e -> assertThat(e).containsEntry("port", "metrics")
        .containsEntry("path", "/metrics"));
  }

  @Test
  void theHelmChartsDefaultConfigurationIsTheManifestsAndLeavesOutItsOwnPods() throws Exception {
    List<HasMetadata> manifest = manifest();
    JsonNode manifestConfig = yaml.readTree(only(manifest, ConfigMap.class).getData().get("nodewatch.yaml"));
    String rendered = new Helm(DEPLOY.resolve("helm/nodewatch")).template().withName("nw").withNamespace("monitoring")
        .call();
    List<HasMetadata> chart = parse(rendered);
    JsonNode chartConfig = yaml.readTree(only(chart, ConfigMap.class).getData().get("nodewatch.yaml"));
    assertThat(chartConfig.path("logs").path("exclude")).singleElement()
        .isEqualTo(yaml.getNodeFactory().textNode("/var/log/containers/nw-nodewatch-*_monitoring_*.log"));
    DaemonSet ds = only(chart, DaemonSet.class);
    assertThat(ds.getMetadata().getName()).startsWith("nw-nodewatch");
    assertThat(ds.getMetadata().getNamespace()).isEqualTo("monitoring");
    ((com.fasterxml.jackson.databind.node.ObjectNode) chartConfig.path("logs")).remove("exclude");
    ((com.fasterxml.jackson.databind.node.ObjectNode) manifestConfig.path("logs")).remove("exclude");
    assertThat(chartConfig).isEqualTo(manifestConfig);
    assertThat(ds.getSpec().getTemplate().getSpec().getContainers().get(0).getResources()).isEqualTo(
        only(manifest, DaemonSet.class).getSpec().getTemplate().getSpec().getContainers().get(0).getResources());
    JsonNode chartYaml = yaml.readTree(DEPLOY.resolve("helm/nodewatch/Chart.yaml").toFile());
    assertThat(chartYaml.path("apiVersion").asText()).isEqualTo("v2");
    assertThat(chartYaml.path("name").asText()).isEqualTo("nodewatch");
  }

  @Test
  void helmLintsTheChartWithoutErrors() {
    LintResult lint = new Helm(DEPLOY.resolve("helm/nodewatch")).lint().strict().call();
    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
  }

  @Test
  void theImageIsBuiltWithTheWrapperRunsAJlinkRuntimeAndIsNotRootByDefault() throws Exception {
    List<String> lines = Files.readAllLines(DEPLOY.resolve("../Dockerfile")).stream()
        .filter(l -> !l.startsWith("#")).toList();
    String text = String.join("\n", lines);
    // the runtime is FROM scratch plus the files deploy/image-rootfs.sh takes from RUNTIME_IMAGE
    assertThat(lines.stream().filter(l -> l.startsWith("FROM "))).containsExactly("FROM ${BUILD_IMAGE} AS build",
        "FROM ${RUNTIME_IMAGE} AS rootfs", "FROM scratch");
    assertThat(text).contains("./mvnw", "jlink", "jdeps", "EXPOSE 9102", "org.opencontainers.image.source",
        "ENTRYPOINT [\"/opt/nodewatch/bin/nodewatch\"]");
    String user = lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElseThrow();
    assertThat(user).isNotIn("USER root", "USER 0", "USER 0:0");
    assertThat(Files.readString(DEPLOY.resolve("../.dockerignore"))).contains("**/target", ".git",
        "!deploy/image-rootfs.sh");
  }

  /** The ConfigMap's nodewatch.yaml, loaded as the agent loads it, with the downward-API variables set. */
  private static AgentConfig configMapConfig(List<HasMetadata> resources) throws Exception {
    String yamlText = only(resources, ConfigMap.class).getData().get("nodewatch.yaml");
    ConfigLoader loader = new ConfigLoader(Map.of("NODE_NAME", "node-1", "NODE_IP", "10.0.0.7"), () -> "host");
    try {
      return loader.parse(yamlText, "configmap nodewatch.yaml");
    } catch (ConfigException e) {
      // Outside a pod the service account token does not exist; that and nothing else may be reported.
      assertThat(e.problems()).as(e.getMessage())
          .allSatisfy(p -> assertThat(p.path()).isEqualTo("kubelet.token_file"));
      assertThat(Files.exists(Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token"))).isFalse();
      return loader.parse(yamlText.replace("/var/run/secrets/kubernetes.io/serviceaccount/token",
          Files.writeString(Files.createTempFile("token", ""), "test").toString()), "configmap nodewatch.yaml");
    }
  }

  /**
   * Fails on any field the model did not map: fabric8 keeps unknown fields in {@code additionalProperties} instead of
   * rejecting them, so a misspelt {@code readOnlyRootFileSystem} would otherwise pass silently.
   */
  private static void assertNoUnknownFields(Object root, String where) throws Exception {
    walk(root, where, new IdentityHashMap<>());
  }

  private static void walk(Object node, String where, IdentityHashMap<Object, Boolean> seen) throws Exception {
    if (node == null || seen.put(node, Boolean.TRUE) != null) {
      return;
    }
    if (node instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        walk(item, where + "[" + i++ + "]", seen);
      }
      return;
    }
    if (node instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        walk(e.getValue(), where + "." + e.getKey(), seen);
      }
      return;
    }
    if (!node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (Method m : node.getClass().getMethods()) {
      if (m.getParameterCount() != 0 || !m.getName().startsWith("get") || m.getDeclaringClass() == Object.class) {
        continue;
      }
      Object value = m.invoke(node);
      if (m.getName().equals("getAdditionalProperties")) {
        assertThat((Map<?, ?>) value).as("unknown fields at " + where).isNullOrEmpty();
      } else {
        walk(value, where + "." + m.getName().substring(3), seen);
      }
    }
  }
}

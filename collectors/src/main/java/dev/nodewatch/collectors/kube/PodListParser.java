package dev.nodewatch.collectors.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the kubelet's {@code /pods} answer (a v1 PodList) into {@link PodMetadata}, keeping only what log
 * enrichment uses. Read as a tree rather than bound to classes, so fields added by newer Kubernetes versions and
 * the many fields we ignore cost nothing and break nothing.
 */
final class PodListParser {

  private final ObjectMapper mapper = new ObjectMapper();

  /** The pods of a PodList; pods without a UID are skipped, since they cannot be looked up. */
  List<PodMetadata> parse(byte[] json) throws IOException {
    JsonNode root = mapper.readTree(json);
    if (root == null || !root.path("items").isArray()) {
      throw new IOException("not a PodList: no \"items\" array");
    }
    List<PodMetadata> pods = new ArrayList<>();
    for (JsonNode item : root.path("items")) {
      JsonNode meta = item.path("metadata");
      String uid = meta.path("uid").asText("");
      if (uid.isEmpty()) {
        continue;
      }
      pods.add(new PodMetadata(meta.path("namespace").asText(""), meta.path("name").asText(""), uid,
          strings(meta.path("labels")), strings(meta.path("annotations")), containers(item),
          item.path("spec").path("hostNetwork").asBoolean(false)));
    }
    return pods;
  }

  /** Spec containers (init containers too) with the image the spec asked for and the id the status reports. */
  private static List<ContainerMetadata> containers(JsonNode pod) {
    Map<String, String> ids = new HashMap<>();
    for (String statuses : List.of("initContainerStatuses", "containerStatuses")) {
      for (JsonNode status : pod.path("status").path(statuses)) {
        ids.put(status.path("name").asText(""), stripScheme(status.path("containerID").asText("")));
      }
    }
    Map<String, ContainerMetadata> out = new LinkedHashMap<>();
    for (String kind : List.of("initContainers", "containers")) {
      for (JsonNode container : pod.path("spec").path(kind)) {
        String name = container.path("name").asText("");
        out.put(name, new ContainerMetadata(name, container.path("image").asText(""), ids.get(name)));
      }
    }
    return List.copyOf(out.values());
  }

  /** {@code containerd://abc} and {@code cri-o://abc} become {@code abc}, the id in log file names. */
  static String stripScheme(String containerId) {
    int scheme = containerId.indexOf("://");
    return scheme < 0 ? containerId : containerId.substring(scheme + 3);
  }

  private static Map<String, String> strings(JsonNode object) {
    Map<String, String> out = new HashMap<>();
    object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText("")));
    return out;
  }
}

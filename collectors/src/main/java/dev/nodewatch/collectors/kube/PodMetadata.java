package dev.nodewatch.collectors.kube;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A pod's identity and the labels, annotations and images log records are enriched with. Immutable: the cache
 * hands the same instance to every reader.
 */
public record PodMetadata(String namespace, String name, String uid, Map<String, String> labels,
    Map<String, String> annotations, List<ContainerMetadata> containers, boolean hostNetwork) {

  public PodMetadata {
    uid = uid == null ? "" : uid;
    labels = Map.copyOf(labels);
    annotations = Map.copyOf(annotations);
    containers = List.copyOf(containers);
  }

  /**
   * What the log path alone says, used when the kubelet is off or unreachable: no labels, no annotations, no
   * image, and no UID for {@code /var/log/containers} paths.
   */
  public static PodMetadata fromPath(PodLogPath path) {
    return new PodMetadata(path.namespace(), path.pod(), path.podUid().orElse(""), Map.of(), Map.of(),
        List.of(new ContainerMetadata(path.container(), "", path.containerId().orElse(""))), false);
  }

  public Optional<ContainerMetadata> container(String containerName) {
    return containers.stream().filter(c -> c.name().equals(containerName)).findFirst();
  }
}

package dev.nodewatch.collectors.cgroup;

/**
 * The Kubernetes identity cAdvisor (as embedded in kubelet) attaches to a container's series, from pod metadata.
 * {@code container} is empty for the pod-level cgroup. {@link #UNKNOWN} (all empty) is used while metadata for a new
 * cgroup has not arrived yet; cAdvisor likewise exposes cgroups it cannot name with empty labels.
 */
public record ContainerLabels(String name, String image, String namespace, String pod, String container) {

  public static final ContainerLabels UNKNOWN = new ContainerLabels("", "", "", "", "");

  public ContainerLabels {
    name = name == null ? "" : name;
    image = image == null ? "" : image;
    namespace = namespace == null ? "" : namespace;
    pod = pod == null ? "" : pod;
    container = container == null ? "" : container;
  }
}

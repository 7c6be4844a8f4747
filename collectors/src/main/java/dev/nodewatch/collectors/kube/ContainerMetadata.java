package dev.nodewatch.collectors.kube;

/**
 * One container of a pod as the kubelet reports it. The id is the runtime's, without the {@code containerd://}
 * scheme, so it matches the hex id in {@code /var/log/containers} file names; empty while the container has not
 * been created, and the image is empty when only the log path is known.
 */
public record ContainerMetadata(String name, String image, String containerId) {

  public ContainerMetadata {
    image = image == null ? "" : image;
    containerId = containerId == null ? "" : containerId;
  }
}

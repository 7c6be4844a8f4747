package dev.nodewatch.collectors.queue;

import java.util.Map;

/**
 * The file a batch of records was read from, and the pod and container it belongs to. Stored once per batch in the
 * queue, not once per record.
 *
 * @param path the file's path when it was opened (the real file under {@code /var/log/pods}, not the symlink)
 * @param podUid empty when the path does not carry it and the kubelet did not say
 * @param restartCount -1 when unknown
 * @param labels the pod's labels from the kubelet; empty when the kubelet is not configured or does not know the pod
 */
public record LogSource(FileIdentity file, String path, String namespace, String pod, String podUid,
    String container, String containerId, int restartCount, Map<String, String> labels) {

  public LogSource {
    labels = Map.copyOf(labels);
  }

  /** The same source, its file known by a newer fingerprint (taken again as the file grew). */
  public LogSource withFile(FileIdentity newer) {
    return new LogSource(newer, path, namespace, pod, podUid, container, containerId, restartCount, labels);
  }
}

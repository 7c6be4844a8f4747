package dev.nodewatch.collectors.kube;

import dev.nodewatch.collectors.config.ConfigProblems;
import dev.nodewatch.collectors.config.Secret;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * How to reach the node's own kubelet for pod labels and container images. An empty endpoint means metadata comes
 * from log paths only, which needs no credentials and no cluster.
 */
public record KubeletConfig(String endpoint, Secret tokenFile, String caFile) {

  public KubeletConfig {
    endpoint = endpoint == null ? "" : endpoint;
    tokenFile = tokenFile == null ? new Secret(java.nio.file.Path.of(
        "/var/run/secrets/kubernetes.io/serviceaccount/token")) : tokenFile;
    caFile = caFile == null ? "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt" : caFile;
  }

  public static KubeletConfig defaults() {
    return new KubeletConfig(null, null, null);
  }

  public boolean enabled() {
    return !endpoint.isEmpty();
  }

  public void validate(String path, ConfigProblems problems) {
    if (!enabled()) {
      return;
    }
    String where = ConfigProblems.path(path, "endpoint");
    try {
      URI uri = new URI(endpoint);
      if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
        problems.add(where, "must be an http(s) URL, was \"" + endpoint + "\"");
      }
    } catch (URISyntaxException e) {
      problems.add(where, "must be an http(s) URL, was \"" + endpoint + "\"");
    }
    String unreadable = tokenFile.unreadableReason();
    if (unreadable != null) {
      problems.add(ConfigProblems.path(path, "token_file"), unreadable);
    }
  }
}

package dev.nodewatch.collectors.kube;

import dev.nodewatch.collectors.config.ConfigProblems;
import dev.nodewatch.collectors.config.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * How to reach the node's own kubelet for pod labels and container images, how often it may be asked again
 * ({@code refresh}: only when a pod or container it has not listed yet shows up), and where kubelet writes pod logs
 * ({@code log_root}, whose {@code pods/} and {@code containers/} directories name pods when the kubelet cannot be
 * asked). An empty endpoint means metadata comes from log paths only, which needs no credentials and no cluster.
 *
 * <p>{@code insecure_skip_verify} accepts any certificate from the kubelet, as Prometheus' {@code tls_config} option of
 * the same name does for kubelet scrapes: a kubelet without {@code serverTLSBootstrap} (kubeadm's default) serves a
 * self-signed certificate for its host name that no CA file can verify at the node's IP. Off by default.
 */
public record KubeletConfig(String endpoint, Secret tokenFile, String caFile, Duration refresh, String logRoot,
    boolean insecureSkipVerify) {

  public KubeletConfig {
    refresh = refresh == null ? Duration.ofSeconds(30) : refresh;
    logRoot = logRoot == null ? "/var/log" : logRoot;
    endpoint = endpoint == null ? "" : endpoint;
    tokenFile = tokenFile == null ? new Secret(java.nio.file.Path.of(
        "/var/run/secrets/kubernetes.io/serviceaccount/token")) : tokenFile;
    caFile = caFile == null ? "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt" : caFile;
  }

  public static KubeletConfig defaults() {
    return new KubeletConfig(null, null, null, null, null, false);
  }

  public boolean enabled() {
    return !endpoint.isEmpty();
  }

  public void validate(String path, ConfigProblems problems) {
    problems.requireAbsolute(ConfigProblems.path(path, "log_root"), logRoot);
    if (refresh.compareTo(Duration.ofSeconds(1)) < 0) {
      problems.add(ConfigProblems.path(path, "refresh"), "must be at least 1s");
    }
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

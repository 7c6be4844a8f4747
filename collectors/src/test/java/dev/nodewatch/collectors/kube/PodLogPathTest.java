package dev.nodewatch.collectors.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class PodLogPathTest {

  private static final String UID = "4c1d0c2e-9b7a-4f3e-8e2a-0d5f1b2c3a4d";
  private static final String ID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  @ParameterizedTest
  @CsvSource({
      "/var/log/pods/default_web-7d9f8b6c5d-x2x4z_" + UID + "/nginx/0.log, default, web-7d9f8b6c5d-x2x4z, nginx, 0",
      "/var/log/pods/kube-system_kube-proxy-abc12_" + UID + "/kube-proxy/3.log, kube-system, kube-proxy-abc12,"
          + " kube-proxy, 3",
      "/var/log/pods/my-ns_web.example.com-0_" + UID + "/side-car-2/12.log, my-ns, web.example.com-0, side-car-2, 12",
      "/var/log/pods/default_web-0_" + UID + "/app/0.log.20240101-120000, default, web-0, app, 0",
      "/var/log/pods/default_web-0_" + UID + "/app/1.log.20240101-120000.gz, default, web-0, app, 1",
      "/host/var/log/pods/default_web-0_" + UID + "/app/0.log, default, web-0, app, 0",
      "pods/a_b_" + UID + "/c/0.log, a, b, c, 0",
  })
  void podsDirectoryPathsGiveNamespacePodUidContainerAndRestart(String path, String namespace, String pod,
      String container, int restart) {
    assertThat(PodLogPath.parse(path)).contains(new PodLogPath(namespace, pod, Optional.of(UID), container,
        OptionalInt.of(restart), Optional.empty()));
  }

  @org.junit.jupiter.api.Test
  void staticPodsWithAConfigHashAsUidAreRecognised() {
    String hash = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    assertThat(PodLogPath.parse("/var/log/pods/kube-system_etcd-node-1_" + hash + "/etcd/0.log"))
        .hasValueSatisfying(p -> assertThat(p.podUid()).contains(hash));
  }

  @ParameterizedTest
  @CsvSource({
      "/var/log/containers/web-7d9f8b6c5d-x2x4z_default_nginx-" + ID + ".log, default, web-7d9f8b6c5d-x2x4z, nginx",
      "/var/log/containers/kube-proxy-abc12_kube-system_kube-proxy-" + ID + ".log, kube-system, kube-proxy-abc12,"
          + " kube-proxy",
      "/var/log/containers/web.example.com-0_my-ns_side-car-2-" + ID + ".log, my-ns, web.example.com-0, side-car-2",
      "/host/var/log/containers/a_b_c-" + ID + ".log, b, a, c",
  })
  void containersDirectoryPathsGiveNamespacePodContainerAndContainerId(String path, String namespace, String pod,
      String container) {
    assertThat(PodLogPath.parse(path)).contains(new PodLogPath(namespace, pod, Optional.empty(), container,
        OptionalInt.empty(), Optional.of(ID)));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {
      "/var/log/syslog",
      "/var/log/pods/default_web-0_" + UID + "/app/x.log",
      "/var/log/pods/default_web-0_" + UID + "/app/0.txt",
      "/var/log/pods/default_web-0_" + UID + "/app/0.log.gz.bak",
      "/var/log/pods/default_web-0_" + UID + "/app/0.log.2024-01-01",
      "/var/log/pods/default_web-0_" + UID + "/0.log",
      "/var/log/pods/default_web-0/app/0.log",
      "/var/log/pods/Default_web-0_" + UID + "/app/0.log",
      "/var/log/pods/-ns_web-0_" + UID + "/app/0.log",
      "/var/log/pods/my.ns_web-0_" + UID + "/app/0.log",
      "/var/log/pods/default_web-0_" + UID + "/app_x/0.log",
      "/var/log/pods/default_web-0_" + UID + "/app/99999999999999999999.log",
      "/var/log/containers/web-0_default_nginx-" + "0123abc" + ".log",
      "/var/log/containers/web-0_default_nginx-" + ID + ".log.1",
      "/var/log/containers/web-0_default-" + ID + ".log",
      "/var/log/containers/web-0_default_nginx-" + ID + "0.log",
      "/var/log/containers/web-0_default_nginx_" + ID + ".log",
  })
  void pathsInNeitherLayoutGiveNothing(String path) {
    assertThat(PodLogPath.parse(path)).isEmpty();
  }
}

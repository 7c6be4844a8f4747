package dev.nodewatch.collectors.cgroup;

import static dev.nodewatch.collectors.cgroup.CgroupTrees.ID;
import static dev.nodewatch.collectors.cgroup.CgroupTrees.ID2;
import static dev.nodewatch.collectors.cgroup.CgroupTrees.UID;
import static dev.nodewatch.collectors.cgroup.CgroupTrees.UID2;
import static dev.nodewatch.collectors.cgroup.CgroupTrees.UID2_;
import static dev.nodewatch.collectors.cgroup.CgroupTrees.UID_;
import static dev.nodewatch.collectors.cgroup.CgroupTrees.dir;
import static dev.nodewatch.collectors.cgroup.CgroupTrees.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupDiscoveryTest {

  @TempDir
  Path root;

  @Test
  void unifiedSystemdContainerdFindsPodsAndContainersIncludingGuaranteedOnes() throws Exception {
    write(root, "cgroup.controllers", "cpuset cpu io memory pids\n");
    dir(root, "system.slice/containerd.service");
    String burstable = "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + UID_ + ".slice";
    dir(root, burstable + "/cri-containerd-" + ID + ".scope");
    String guaranteed = "kubepods.slice/kubepods-pod" + UID2_ + ".slice";
    dir(root, guaranteed + "/cri-containerd-" + ID2 + ".scope");

    CgroupLayout layout = CgroupLayout.detect(root);
    List<ContainerCgroup> found = new CgroupDiscovery(layout).discover();

    assertThat(layout.kind()).isEqualTo(CgroupLayout.Kind.UNIFIED);
    assertThat(found).containsExactlyInAnyOrder(
        new ContainerCgroup(UID, null, null, Path.of(burstable)),
        new ContainerCgroup(UID, ID, "containerd", Path.of(burstable, "cri-containerd-" + ID + ".scope")),
        new ContainerCgroup(UID2, null, null, Path.of(guaranteed)),
        new ContainerCgroup(UID2, ID2, "containerd", Path.of(guaranteed, "cri-containerd-" + ID2 + ".scope")));
    assertThat(found.get(0).id()).startsWith("/kubepods.slice/");
  }

  @Test
  void crioMonitorScopesAreNotContainers() throws Exception {
    write(root, "cgroup.controllers", "cpu memory\n");
    String pod = "kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + UID_ + ".slice";
    dir(root, pod + "/crio-" + ID + ".scope");
    dir(root, pod + "/crio-conmon-" + ID + ".scope");

    List<ContainerCgroup> found = new CgroupDiscovery(CgroupLayout.detect(root)).discover();

    assertThat(found).extracting(ContainerCgroup::containerId).containsExactlyInAnyOrder(null, ID);
    assertThat(found).filteredOn(c -> !c.isPod()).extracting(ContainerCgroup::runtime).containsExactly("crio");
  }

  @Test
  void legacyCgroupfsDockerIsFoundThroughTheMemoryHierarchy() throws Exception {
    dir(root, "memory/kubepods/besteffort/pod" + UID + "/" + ID);
    dir(root, "memory/kubepods/pod" + UID2 + "/" + ID2);
    dir(root, "memory/kubepods/pod" + UID2 + "/not-a-container");
    dir(root, "cpu,cpuacct/kubepods");

    CgroupLayout layout = CgroupLayout.detect(root);
    List<ContainerCgroup> found = new CgroupDiscovery(layout).discover();

    assertThat(layout.kind()).isEqualTo(CgroupLayout.Kind.LEGACY);
    assertThat(layout.controller("cpuacct")).isEqualTo(root.resolve("cpu,cpuacct"));
    assertThat(found).containsExactlyInAnyOrder(
        new ContainerCgroup(UID, null, null, Path.of("kubepods/besteffort/pod" + UID)),
        new ContainerCgroup(UID, ID, null, Path.of("kubepods/besteffort/pod" + UID + "/" + ID)),
        new ContainerCgroup(UID2, null, null, Path.of("kubepods/pod" + UID2)),
        new ContainerCgroup(UID2, ID2, null, Path.of("kubepods/pod" + UID2 + "/" + ID2)));
  }

  @Test
  void hybridUsesTheV1ControllersAndFindsDockerScopes() throws Exception {
    write(root, "unified/cgroup.controllers", "");
    String pod = "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod" + UID_ + ".slice";
    dir(root, "memory/" + pod + "/docker-" + ID + ".scope");

    CgroupLayout layout = CgroupLayout.detect(root);
    List<ContainerCgroup> found = new CgroupDiscovery(layout).discover();

    assertThat(layout.kind()).isEqualTo(CgroupLayout.Kind.HYBRID);
    assertThat(found).contains(new ContainerCgroup(UID, ID, "docker", Path.of(pod, "docker-" + ID + ".scope")));
  }

  @Test
  void aKubeletCgroupRootOneLevelDownIsFound() throws Exception {
    write(root, "cgroup.controllers", "cpu memory\n");
    dir(root, "kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/"
        + "kubelet-kubepods-besteffort-pod" + UID_ + ".slice/cri-containerd-" + ID + ".scope");

    List<ContainerCgroup> found = new CgroupDiscovery(CgroupLayout.detect(root)).discover();

    assertThat(found).extracting(ContainerCgroup::podUid).containsOnly(UID);
    assertThat(found).hasSize(2);
  }

  @Test
  void aNodeWithoutKubepodsOrWithoutTheRootFindsNothing() throws Exception {
    write(root, "cgroup.controllers", "cpu memory\n");
    dir(root, "system.slice/docker-" + ID + ".scope");
    assertThat(new CgroupDiscovery(CgroupLayout.detect(root)).discover()).isEmpty();
    Path missing = root.resolve("nope");
    assertThat(Files.exists(missing)).isFalse();
    assertThat(new CgroupDiscovery(CgroupLayout.detect(missing)).discover()).isEmpty();
  }
}

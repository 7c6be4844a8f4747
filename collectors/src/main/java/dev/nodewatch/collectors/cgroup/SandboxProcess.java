package dev.nodewatch.collectors.cgroup;

import dev.nodewatch.collectors.metrics.KernelFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * Whether a container cgroup holds a pod's sandbox: its first process is the {@code pause} binary every runtime
 * (containerd, CRI-O, Docker) starts to hold the pod's namespaces. Read from {@code <hierarchy>/<cgroup>/cgroup.procs}
 * and {@code <procfs>/<pid>/comm}, which any user may read. An empty or unreadable cgroup is not taken for a sandbox.
 */
public final class SandboxProcess implements Predicate<ContainerCgroup> {

  private final CgroupLayout layout;
  private final Path procfs;

  public SandboxProcess(CgroupLayout layout, Path procfs) {
    this.layout = layout;
    this.procfs = procfs;
  }

  @Override
  public boolean test(ContainerCgroup container) {
    try {
      // membership is the same in every hierarchy; discovery's (unified, or v1 memory) has the cgroup for sure
      Path hierarchy = layout.discoveryRoot();
      if (hierarchy == null) {
        return false;
      }
      String procs = KernelFiles.asciiOrNull(hierarchy.resolve(container.path()).resolve("cgroup.procs"));
      if (procs == null || procs.isBlank()) {
        return false;
      }
      String pid = procs.strip().lines().findFirst().orElseThrow().strip();
      String comm = KernelFiles.asciiOrNull(procfs.resolve(pid).resolve("comm"));
      return comm != null && comm.strip().equals("pause");
    } catch (IOException e) {
      // cannot tell (e.g. procfs mounted with hidepid): taken for a container, which only means the kubelet is
      // asked about it again, at most once per kubelet.refresh
      return false;
    }
  }
}

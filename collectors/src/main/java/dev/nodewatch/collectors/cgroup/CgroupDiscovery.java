package dev.nodewatch.collectors.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the pod and container cgroups kubelet created, under either cgroup driver:
 *
 * <pre>
 * systemd:  kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1b2c_..slice/cri-containerd-&lt;id&gt;.scope
 *           kubepods.slice/kubepods-pod1b2c_..slice/crio-&lt;id&gt;.scope              (guaranteed)
 * cgroupfs: kubepods/besteffort/pod1b2c-../&lt;64 hex&gt;
 *           kubepods/pod1b2c-../&lt;64 hex&gt;                                       (guaranteed)
 * </pre>
 *
 * Only the kubepods tree is walked, found at the hierarchy root or one level down (kubelet's {@code --cgroup-root},
 * e.g. {@code kubelet.slice/kubelet-kubepods.slice}). CRI-O's {@code crio-conmon-<id>.scope} holds the monitor
 * process, not the container, and is skipped as cAdvisor does. A directory that vanishes during the walk (a pod
 * deleted meanwhile) is simply not reported.
 */
public final class CgroupDiscovery {

  /** cgroupfs {@code pod<uid>}, systemd {@code kubepods[-qos]-pod<uid_with_underscores>.slice}. */
  private static final Pattern POD = Pattern.compile("(?:[a-z_-]*kubepods(?:-[a-z]+)?-)?pod([0-9a-fA-F_-]{8,})(\\.slice)?");
  private static final Pattern CONTAINER =
      Pattern.compile("(?:(cri-containerd|crio|docker)-)?([0-9a-f]{64})(\\.scope)?");
  private static final int MAX_DEPTH = 5;

  private final CgroupLayout layout;

  public CgroupDiscovery(CgroupLayout layout) {
    this.layout = layout;
  }

  /** A pod's cgroup directory and its UID, before its containers are listed. */
  private record PodDir(String uid, Path dir) {}

  public List<ContainerCgroup> discover() throws IOException {
    return discover(Runnable::run, 1);
  }

  /**
   * Every pod cgroup, each followed by its container cgroups. Listing the pod directories is most of the work (one
   * per pod), so it is spread over {@code parallelism} contiguous slices on {@code executor}; the order is the same.
   */
  public List<ContainerCgroup> discover(Executor executor, int parallelism) throws IOException {
    Path base = layout.discoveryRoot();
    List<PodDir> pods = new ArrayList<>();
    if (base != null && Files.isDirectory(base)) {
      walk(base, 0, pods);
    }
    List<ContainerCgroup> out = new ArrayList<>(pods.size() * 3);
    for (List<ContainerCgroup> slice : Slices.map(pods, parallelism, executor, podDirs -> {
      List<ContainerCgroup> found = new ArrayList<>(podDirs.size() * 3);
      for (PodDir pod : podDirs) {
        found.add(new ContainerCgroup(pod.uid(), null, null, base.relativize(pod.dir())));
        containers(base, pod.dir(), pod.uid(), found);
      }
      return found;
    })) {
      out.addAll(slice);
    }
    return out;
  }

  private static void walk(Path dir, int depth, List<PodDir> out) {
    for (String name : children(dir)) {
      Matcher pod = POD.matcher(name);
      if (pod.matches() && (pod.group(2) != null || !name.contains("kubepods"))) {
        out.add(new PodDir(pod.group(1).replace('_', '-'), dir.resolve(name)));
      } else if (depth < MAX_DEPTH && (name.contains("kubepods") || isQos(name) || depth == 0)
          && (name.indexOf('.') < 0 || name.endsWith(".slice"))) {
        walk(dir.resolve(name), depth + 1, out);
      }
    }
  }

  private static boolean isQos(String name) {
    return name.equals("burstable") || name.equals("besteffort");
  }

  private static void containers(Path base, Path podDir, String uid, List<ContainerCgroup> out) {
    for (String name : children(podDir)) {
      Matcher m = CONTAINER.matcher(name);
      if (m.matches()) {
        String runtime = m.group(1) == null ? null : m.group(1).equals("cri-containerd") ? "containerd" : m.group(1);
        out.add(new ContainerCgroup(uid, m.group(2), runtime, base.relativize(podDir.resolve(name))));
      }
    }
  }

  /**
   * The names in {@code dir}, sorted; none when it vanished or is not a directory. Names only, without a stat per
   * entry: a cgroup directory is mostly control files ({@code cpu.stat}, {@code memory.max}, …) whose names never
   * look like a kubepods, QoS, pod or container cgroup, so the name patterns alone tell the subdirectories apart, and
   * a match that is not a directory lists as empty. {@link java.io.File#list} reads a directory in one call where a
   * {@code DirectoryStream} builds a {@code Path} per entry; discovery lists ~500 pod directories per collection.
   */
  private static String[] children(Path dir) {
    String[] names = dir.toFile().list();
    if (names == null) {
      return new String[0]; // removed while we walked, or not a directory: nothing to report under it
    }
    java.util.Arrays.sort(names);
    return names;
  }
}

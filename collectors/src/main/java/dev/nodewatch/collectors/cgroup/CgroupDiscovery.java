package dev.nodewatch.collectors.cgroup;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

  public List<ContainerCgroup> discover() throws IOException {
    Path base = layout.discoveryRoot();
    List<ContainerCgroup> out = new ArrayList<>();
    if (base != null && Files.isDirectory(base)) {
      walk(base, base, 0, out);
    }
    return out;
  }

  private static void walk(Path base, Path dir, int depth, List<ContainerCgroup> out) throws IOException {
    for (Path child : children(dir)) {
      String name = child.getFileName().toString();
      Matcher pod = POD.matcher(name);
      if (pod.matches() && (pod.group(2) != null || !name.contains("kubepods"))) {
        String uid = pod.group(1).replace('_', '-');
        out.add(new ContainerCgroup(uid, null, null, base.relativize(child)));
        containers(base, child, uid, out);
      } else if (depth < MAX_DEPTH && (name.contains("kubepods") || isQos(name) || depth == 0)) {
        walk(base, child, depth + 1, out);
      }
    }
  }

  private static boolean mayBeCgroupDir(Path entry) {
    String name = entry.getFileName().toString();
    boolean candidate = name.endsWith(".slice") || name.endsWith(".scope") || name.startsWith("pod")
        || name.contains("kubepods") || isQos(name) || name.length() == 64 || name.indexOf('.') < 0;
    return candidate && Files.isDirectory(entry);
  }

  private static boolean isQos(String name) {
    return name.equals("burstable") || name.equals("besteffort");
  }

  private static void containers(Path base, Path podDir, String uid, List<ContainerCgroup> out) throws IOException {
    for (Path child : children(podDir)) {
      Matcher m = CONTAINER.matcher(child.getFileName().toString());
      if (m.matches()) {
        String runtime = m.group(1) == null ? null : m.group(1).equals("cri-containerd") ? "containerd" : m.group(1);
        out.add(new ContainerCgroup(uid, m.group(2), runtime, base.relativize(child)));
      }
    }
  }

  /**
   * The subdirectories of {@code dir} that can lead to pods or containers; none when it vanished or is not a
   * directory. A cgroup directory is mostly control files ({@code cpu.stat}, {@code memory.max}, …); only names that
   * can be a kubepods, QoS, pod or container cgroup are stat'ed, which saves a dozen system calls per cgroup.
   */
  private static List<Path> children(Path dir) throws IOException {
    List<Path> dirs = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, CgroupDiscovery::mayBeCgroupDir)) {
      stream.forEach(dirs::add);
    } catch (NoSuchFileException | NotDirectoryException e) {
      return List.of(); // the cgroup was removed while we walked: nothing left to report under it
    }
    dirs.sort(null);
    return dirs;
  }
}

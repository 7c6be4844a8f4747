package dev.nodewatch.collectors.cgroup;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * How cgroups are mounted under the cgroup root, and where each controller's hierarchy is. Nodes still run all three
 * layouts: unified v2 (a {@code cgroup.controllers} file at the root), legacy v1 (one directory per controller, with
 * {@code cpu} and {@code cpuacct} often co-mounted as {@code cpu,cpuacct} plus symlinks) and hybrid (v1 controllers
 * with an empty-ish v2 tree at {@code unified/}). Under hybrid the v1 controllers hold the stats, as in cAdvisor.
 */
public record CgroupLayout(Kind kind, Path root) {

  public enum Kind { UNIFIED, LEGACY, HYBRID }

  public static CgroupLayout detect(Path root) {
    if (Files.isRegularFile(root.resolve("cgroup.controllers"))) {
      return new CgroupLayout(Kind.UNIFIED, root);
    }
    if (Files.isRegularFile(root.resolve("unified").resolve("cgroup.controllers"))) {
      return new CgroupLayout(Kind.HYBRID, root);
    }
    return new CgroupLayout(Kind.LEGACY, root);
  }

  public boolean isUnified() {
    return kind == Kind.UNIFIED;
  }

  /**
   * The v1 hierarchy holding {@code controller}: {@code <root>/<controller>} when it exists (a directory or the usual
   * symlink), else a co-mounted directory whose comma-separated name lists it; null when the controller is not mounted.
   */
  public Path controller(String controller) throws IOException {
    Path direct = root.resolve(controller);
    if (Files.isDirectory(direct)) {
      return direct;
    }
    if (!Files.isDirectory(root)) {
      return null;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
      for (Path dir : dirs) {
        if (Arrays.asList(dir.getFileName().toString().split(",")).contains(controller) && Files.isDirectory(dir)) {
          return dir;
        }
      }
    }
    return null;
  }

  /** The hierarchy discovery walks: the root under v2, else the memory (or cpu) hierarchy; null when neither. */
  public Path discoveryRoot() throws IOException {
    if (isUnified()) {
      return root;
    }
    Path memory = controller("memory");
    return memory != null ? memory : controller("cpu");
  }
}

package dev.nodewatch.collectors.host;

import dev.nodewatch.collectors.config.ConfigProblems;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which mounts the filesystem collector leaves out, by mount point and by file-system type (regular expressions,
 * node_exporter's {@code --collector.filesystem.mount-points-exclude} and {@code fs-types-exclude}), and how long a
 * {@code statfs} may take before its mount counts as stuck.
 */
public record FilesystemConfig(String mountPointsExclude, String fsTypesExclude) {

  /** node_exporter 1.5's defaults: kernel and container-runtime mounts say nothing about disk space. */
  public static final String DEFAULT_MOUNT_POINTS_EXCLUDE =
      "^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)";
  public static final String DEFAULT_FS_TYPES_EXCLUDE =
      "^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|"
          + "overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$";

  public FilesystemConfig {
    mountPointsExclude = mountPointsExclude == null ? DEFAULT_MOUNT_POINTS_EXCLUDE : mountPointsExclude;
    fsTypesExclude = fsTypesExclude == null ? DEFAULT_FS_TYPES_EXCLUDE : fsTypesExclude;
  }

  public static FilesystemConfig defaults() {
    return new FilesystemConfig(null, null);
  }

  public Pattern mountPointsPattern() {
    return Pattern.compile(mountPointsExclude);
  }

  public Pattern fsTypesPattern() {
    return Pattern.compile(fsTypesExclude);
  }

  public void validate(String path, ConfigProblems problems) {
    checkRegex(ConfigProblems.path(path, "mount_points_exclude"), mountPointsExclude, problems);
    checkRegex(ConfigProblems.path(path, "fs_types_exclude"), fsTypesExclude, problems);
  }

  static void checkRegex(String path, String regex, ConfigProblems problems) {
    try {
      Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      problems.add(path, "not a regular expression (" + e.getDescription() + "), was \"" + regex + "\"");
    }
  }
}

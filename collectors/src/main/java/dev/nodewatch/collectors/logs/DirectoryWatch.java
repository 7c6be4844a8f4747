package dev.nodewatch.collectors.logs;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Filesystem events (inotify on Linux) for the directories the tailer cares about, so it looks at a directory when
 * something was created or removed in it instead of listing every directory all the time: the directories the
 * include globs expand in (a new container's symlink), and each container's log directory under
 * {@code /var/log/pods} (kubelet's rotations and compressions, which the {@code /var/log/containers} symlinks never
 * show). Without events (none left, an exotic filesystem) the tailer's periodic scan and sweep still find
 * everything, only later.
 */
final class DirectoryWatch implements AutoCloseable {

  private final WatchService service;
  private final Map<Path, WatchKey> keys = new HashMap<>();
  /** Directories also watched for writes to their files (all of them quiet: a write wakes them). */
  private final Set<Path> writesWatched = new java.util.HashSet<>();

  /** What changed since the last look: entries created or removed, and writes to files of quiet directories. */
  record Changes(Set<Path> entries, Set<Path> written) {}

  private DirectoryWatch(WatchService service) {
    this.service = service;
  }

  /** A watch, or null when this filesystem gives no events (the caller then relies on scanning). */
  static DirectoryWatch open() throws IOException {
    return new DirectoryWatch(FileSystems.getDefault().newWatchService());
  }

  /** Starts watching {@code dir} for entries created and deleted; false when it cannot be watched. */
  boolean watch(Path dir) {
    return keys.containsKey(dir) || register(dir, false);
  }

  /**
   * Watches a directory for writes to its files too ({@code true}: its files are quiet and are not read until
   * something is written), or no longer ({@code false}: they are busy, and a write per event would cost more than
   * reading them). False when that cannot be done: the caller keeps reading the files as before.
   */
  boolean watchWrites(Path dir, boolean writes) {
    if (writesWatched.contains(dir) == writes && keys.containsKey(dir)) {
      return true;
    }
    return register(dir, writes);
  }

  private boolean register(Path dir, boolean writes) {
    try {
      if (!Files.isDirectory(dir)) {
        return false;
      }
      // registering again changes what an existing key reports
      keys.put(dir, writes
          ? dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
              StandardWatchEventKinds.ENTRY_MODIFY)
          : dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE));
      if (writes) {
        writesWatched.add(dir);
      } else {
        writesWatched.remove(dir);
      }
      return true;
    } catch (IOException | ClosedWatchServiceException e) {
      return false; // out of inotify watches, or the directory just went: the sweep covers it
    }
  }

  /** Stops watching a directory that is gone or no longer of interest. */
  void forget(Path dir) {
    writesWatched.remove(dir);
    WatchKey key = keys.remove(dir);
    if (key != null) {
      key.cancel();
    }
  }

  /**
   * The directories with events since the last call. An overflow (events lost) counts as entries changed, which
   * makes the caller look at everything in the directory again.
   */
  Changes changed() {
    Set<Path> entries = new LinkedHashSet<>();
    Set<Path> written = new LinkedHashSet<>();
    try {
      WatchKey key;
      while ((key = service.poll()) != null) {
        Path dir = (Path) key.watchable();
        for (WatchEvent<?> event : key.pollEvents()) {
          (event.kind() == StandardWatchEventKinds.ENTRY_MODIFY ? written : entries).add(dir);
        }
        if (!key.reset()) {
          keys.remove(dir); // the directory was deleted
          writesWatched.remove(dir);
          entries.add(dir);
        }
      }
    } catch (ClosedWatchServiceException e) {
      // closed by stop: nothing more will come
    }
    return new Changes(entries, written);
  }

  @Override
  public void close() throws IOException {
    service.close();
  }
}

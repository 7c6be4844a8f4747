package dev.nodewatch.collectors.logs;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
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

  private DirectoryWatch(WatchService service) {
    this.service = service;
  }

  /** A watch, or null when this filesystem gives no events (the caller then relies on scanning). */
  static DirectoryWatch open() throws IOException {
    return new DirectoryWatch(FileSystems.getDefault().newWatchService());
  }

  /** Starts watching {@code dir} for entries created and deleted; false when it cannot be watched. */
  boolean watch(Path dir) {
    if (keys.containsKey(dir)) {
      return true;
    }
    try {
      if (!Files.isDirectory(dir)) {
        return false;
      }
      keys.put(dir, dir.register(service, StandardWatchEventKinds.ENTRY_CREATE,
          StandardWatchEventKinds.ENTRY_DELETE));
      return true;
    } catch (IOException | ClosedWatchServiceException e) {
      return false; // out of inotify watches, or the directory just went: the sweep covers it
    }
  }

  /** Stops watching a directory that is gone or no longer of interest. */
  void forget(Path dir) {
    WatchKey key = keys.remove(dir);
    if (key != null) {
      key.cancel();
    }
  }

  /** The directories with events since the last call; an overflow (events lost) reports its directory too. */
  Set<Path> changed() {
    Set<Path> changed = new LinkedHashSet<>();
    try {
      WatchKey key;
      while ((key = service.poll()) != null) {
        key.pollEvents();
        Path dir = (Path) key.watchable();
        changed.add(dir);
        if (!key.reset()) {
          keys.remove(dir); // the directory was deleted
        }
      }
    } catch (ClosedWatchServiceException e) {
      // closed by stop: nothing more will come
    }
    return changed;
  }

  int size() {
    return keys.size();
  }

  @Override
  public void close() throws IOException {
    service.close();
  }
}

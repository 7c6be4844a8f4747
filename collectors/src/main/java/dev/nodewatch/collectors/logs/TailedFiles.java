package dev.nodewatch.collectors.logs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every file being tailed, by device and inode and by directory, in the order they are read, with whether their
 * positions changed since they were last stored. Discovery adds files, the tailer forgets them; one thread.
 */
final class TailedFiles {

  private static final Logger log = LoggerFactory.getLogger(TailedFiles.class);

  private final LogsConfig config;
  private final TailerStats stats;
  private final Map<FileKey, TailedFile> byKey = new LinkedHashMap<>();
  private final Map<Path, ContainerFiles> byDirectory = new HashMap<>();
  /** The files in reading order, made again when one is added or forgotten; null when it must be. */
  private List<TailedFile> order;
  private long discoveries;
  private boolean positionsChanged;

  TailedFiles(LogsConfig config, TailerStats stats) {
    this.config = config;
    this.stats = stats;
  }

  TailedFile get(FileKey key) {
    return byKey.get(key);
  }

  boolean contains(FileKey key) {
    return byKey.containsKey(key);
  }

  Collection<TailedFile> all() {
    return byKey.values();
  }

  int size() {
    return byKey.size();
  }

  /** A copy, so that reading may add or forget files while going through it. */
  List<TailedFile> readingOrder() {
    if (order == null) {
      order = List.copyOf(byKey.values());
    }
    return order;
  }

  /** The tailed files of a directory; null when none is tailed there. */
  ContainerFiles in(Path dir) {
    return byDirectory.get(dir);
  }

  /** The next discovery number: files found later have higher ones (it orders files of equal name). */
  long nextDiscovery() {
    return discoveries++;
  }

  /** Adds a file opened just now, with its parsers and its container's counts. */
  TailedFile add(TailedFile file, long now) {
    file.lastActiveNanos = now;
    file.parser = LineParser.of(config.format(), !file.source.pod().isEmpty());
    file.multiline = config.multiline() == null ? null
        : new MultilineJoiner(config.multiline(), (int) config.maxLineBytes().bytes());
    byKey.put(FileKey.of(file.identity), file);
    order = null;
    byDirectory.computeIfAbsent(file.containerDir, d -> new ContainerFiles((int) config.maxLineBytes().bytes()))
        .add(file);
    if (!file.source.pod().isEmpty()) {
      file.counts = stats.containers.computeIfAbsent(
          List.of(file.source.namespace(), file.source.pod(), file.source.container()),
          k -> new ContainerLogCounts(k.get(0), k.get(1), k.get(2)));
      file.counts.files++;
    }
    positionsChanged = true;
    return file;
  }

  /** Closes a file and lets it go from every list; its container's series go with its container's last file. */
  void forget(TailedFile file) {
    close(file);
    byKey.remove(FileKey.of(file.identity));
    order = null;
    if (file.counts != null && --file.counts.files == 0) {
      stats.containers.remove(List.of(file.counts.namespace(), file.counts.pod(), file.counts.container()));
    }
    positionsChanged = true;
    ContainerFiles container = byDirectory.get(file.containerDir);
    if (container != null && container.remove(file)) {
      byDirectory.remove(file.containerDir);
    }
  }

  void positionsChanged() {
    positionsChanged = true;
  }

  /** Whether positions changed since they were last stored. */
  boolean havePositionsChanged() {
    return positionsChanged;
  }

  void positionsStored() {
    positionsChanged = false;
  }

  /** Closes and forgets every file (the tailer stops). */
  void forgetAll() {
    for (TailedFile file : List.copyOf(byKey.values())) {
      forget(file);
    }
  }

  static void close(TailedFile file) {
    try {
      file.close();
    } catch (IOException e) {
      log.debug("closing {}", file.realPath, e); // its descriptor is released all the same
    }
  }
}

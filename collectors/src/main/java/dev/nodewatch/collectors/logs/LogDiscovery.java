package dev.nodewatch.collectors.logs;

import dev.nodewatch.collectors.queue.FileIdentity;
import dev.nodewatch.collectors.queue.FilePosition;
import dev.nodewatch.collectors.queue.LogSource;
import dev.nodewatch.collectors.runtime.RateLimitedLog;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the files to tail and watches their directories. The include globs lead to live files (the
 * {@code /var/log/containers} links); each container's directory under {@code /var/log/pods} is watched with
 * inotify and listed for kubelet's other files — rotated ({@code <n>.log.<time>}, plain or {@code .gz}) and live
 * ones of another start that no link leads to — which are read unless done with, from their stored position when
 * they have one (recognised by content, which compression does not change). A file no glob leads to any more is let
 * go. A container whose files are all quiet sleeps until its directory reports a write.
 */
final class LogDiscovery {

  private static final Logger log = LoggerFactory.getLogger(LogDiscovery.class);
  /** A live file in a container's directory that no symlink leads to is read once unwritten this long. */
  private static final long ORPHAN_AFTER_MILLIS = 10_000;

  private final LogsConfig config;
  private final LogFileScanner scanner;
  private final LogSources sources;
  private final String selfNamespace;
  private final String selfPod;
  private final TailedFiles files;
  private final DescriptorBudget budget;
  private final LogFileReader reader;
  private final Supplier<LineReader> lineReaders;
  private final TailerStats stats;
  private final RateLimitedLog errors;
  private final FailingPaths failing = new FailingPaths();
  private final StoredPositions stored = new StoredPositions();
  private final FinishedFiles finished = new FinishedFiles();
  /** Matches that are not regular files (a directory named like a log), counted once each. */
  private final Set<Path> notFiles = new HashSet<>();
  /** Per known container directory: rotated files found there that are done with (finished, corrupt, left alone). */
  private final Map<Path, Set<FileKey>> settled = new HashMap<>();
  /** Container directories to list for rotated files at the next step. */
  private final Set<Path> toExamine = new LinkedHashSet<>();
  private DirectoryWatch watch;
  private Set<Path> globDirectories = Set.of();
  /** A glob's directory does not exist yet (no pod on the node so far): watched once it does. */
  private boolean globsUnwatched;
  /** A container directory could not be watched (out of inotify watches). */
  private boolean watchGaps;
  /** True during the first scan when the queue was empty: the agent's first start on this node. */
  private boolean firstStart;
  /** False until the first scan and examination at start are done. */
  private boolean started;

  LogDiscovery(LogsConfig config, LogSources sources, String selfNamespace, String selfPod, TailedFiles files,
      DescriptorBudget budget, LogFileReader reader, Supplier<LineReader> lineReaders, TailerStats stats,
      RateLimitedLog errors) {
    this.config = config;
    this.scanner = new LogFileScanner(config.include(), config.exclude());
    this.sources = sources;
    this.selfNamespace = selfNamespace;
    this.selfPod = selfPod;
    this.files = files;
    this.budget = budget;
    this.reader = reader;
    this.lineReaders = lineReaders;
    this.stats = stats;
    this.errors = errors;
  }

  /**
   * Takes the positions the last run stored, and opens the directory watch.
   *
   * @param firstStart the queue is empty: the agent's first start on this node, whose rotated files are left alone
   */
  void open(List<FilePosition> positions, boolean firstStart) {
    this.firstStart = firstStart;
    for (FilePosition position : positions) {
      Path dir = Path.of(position.path()).getParent();
      if (position.finished()) {
        finished.add(dir, position);
      } else {
        stored.add(position);
      }
      if (dir != null) {
        toExamine.add(dir);
      }
    }
    try {
      watch = DirectoryWatch.open();
      globDirectories = Set.copyOf(scanner.watchedDirectories());
      for (Path dir : globDirectories) {
        globsUnwatched |= !watch.watch(dir);
      }
    } catch (IOException e) {
      log.warn("no filesystem events for the log directories ({}); scanning every {}", e.getMessage(),
          config.scanInterval());
    }
  }

  /**
   * The first scan and examination are done: from now on only rotated files written after the agent first saw
   * their container are read.
   *
   * @return the stored positions no file was found for: those files were deleted while the agent was down
   */
  List<FilePosition> started() {
    firstStart = false;
    started = true;
    // a file at the same path and inode that starts otherwise is taken for a new one: kubelet deletes rotated files
    // and the file system soon gives their inode to the next, which a truncation and rewrite cannot be told from
    List<FilePosition> gone = stored.unclaimed();
    stored.clear();
    return gone;
  }

  /** Whether every directory reports its changes, so scans and sweeps are only a safety net. */
  boolean fullyWatched() {
    return watch != null && !watchGaps && !globsUnwatched;
  }

  /** Positions of the files finished with, stored with the others so a restart does not read them again. */
  List<FilePosition> finishedPositions() {
    return finished.all();
  }

  /** A file read to its end that nobody writes to any more: remembered by content, so no copy is read again. */
  void finished(TailedFile file) {
    if (file.name != null && file.identity.fingerprintLength() > 0) {
      finished.add(file.containerDir, file.position());
      settled.computeIfAbsent(file.containerDir, d -> new HashSet<>()).add(FileKey.of(file.identity));
    }
  }

  // ---- events and watches ----

  /** Whether a glob directory changed (scan now); changed container directories are examined for rotated files. */
  boolean directoryChanged() {
    if (watch == null) {
      return false;
    }
    DirectoryWatch.Changes changes = watch.changed();
    for (Path dir : changes.written()) {
      wake(dir); // a quiet container wrote again
    }
    boolean scan = false;
    for (Path dir : changes.entries()) {
      scan = true; // a new symlink, or a rotation: the live name now leads to another file
      if (!globDirectories.contains(dir)) {
        toExamine.add(dir);
        wake(dir);
      }
    }
    return scan;
  }

  /** The files of a directory are read again at once, and its writes no longer watched (they are read). */
  void wake(Path dir) {
    ContainerFiles container = files.in(dir);
    if (container == null || !container.anySleeping()) {
      return;
    }
    container.wake();
    watch.watchWrites(dir, false);
  }

  /**
   * A container whose files all stayed quiet for a while is not read again until it writes: its directory is watched
   * for writes, and its files read once more (what came before the watch) and then only on an event, or at the
   * latest after a long fallback. A busy container is read instead: an event per write would cost more.
   */
  void sleepIfQuiet(TailedFile file, int quietReads, long now) {
    ContainerFiles container = files.in(file.containerDir);
    if (watch == null || container == null || !settled.containsKey(file.containerDir)
        || !container.allQuiet(quietReads)) {
      return;
    }
    if (watch.watchWrites(file.containerDir, true)) {
      container.sleep(now);
    }
  }

  /** Every container directory is examined now and then, events or not; those that are gone are forgotten. */
  void sweep() {
    finished.pruneMissing();
    for (Path dir : new ArrayList<>(settled.keySet())) {
      if (!Files.isDirectory(dir)) {
        settled.remove(dir);
        if (watch != null) {
          watch.forget(dir);
        }
      } else {
        toExamine.add(dir);
      }
    }
  }

  // ---- the globs ----

  /** Expands the globs: new files are opened, known ones looked at, those no glob leads to any more let go. */
  void scan(long now) {
    if (watch != null && globsUnwatched) {
      globsUnwatched = !globDirectories.stream().allMatch(watch::watch);
    }
    Set<Path> matched;
    try {
      matched = scanner.scan();
    } catch (IOException e) {
      errors.error("scan", "cannot list log files: " + e, null);
      return;
    }
    Set<FileKey> seen = new HashSet<>();
    for (Path path : matched) {
      TailedFile file = track(path, now);
      if (file != null) {
        seen.add(FileKey.of(file.identity));
      }
    }
    failing.retainOnly(matched);
    stats.pathsFailing = failing.size();
    for (TailedFile file : files.all()) {
      if (seen.contains(FileKey.of(file.identity))) {
        file.takenBack();
        DescriptorBudget.lookAtParked(file);
      } else if (!file.isLetGo()) {
        file.letGo(now);
        stats.rotations.increment();
        toExamine.add(file.containerDir); // kubelet compresses the rotated file before it at the same moment
      }
    }
    stats.filesTracked = files.size();
    // opening a file parks idle ones only if they are at their end; any excess left then goes once they are
    budget.makeRoom(files.all(), null);
  }

  /** The tailed file a watched path leads to, opened and registered when new; null when it cannot be tailed. */
  private TailedFile track(Path watched, long now) {
    Path real;
    FileKey key;
    try {
      real = watched.toRealPath();
      key = FileKey.ofRegularFile(real);
      if (key == null) {
        if (notFiles.add(real)) {
          stats.skippedPaths.increment();
          errors.error("not-a-file", watched + " is not a regular file; skipped", null);
        }
        return null;
      }
    } catch (NoSuchFileException e) {
      return null; // a dangling symlink, or removed since the listing: nothing to read
    } catch (IOException e) {
      openFailed(watched, e);
      return null;
    }
    TailedFile known = files.get(key);
    if (known != null) {
      failing.succeeded(watched);
      if (known.isOpen()) {
        reader.checkTruncated(known);
      }
      boolean unnamed = known.source.containerId().isEmpty() && !watched.equals(real); // found as a sibling
      if (unnamed || known.source.labels().isEmpty() && !known.source.podUid().isEmpty()) {
        known.source = sources.of(known.identity, watched, real);
      }
      return known;
    }
    if (scanner.excluded(real)) {
      return null;
    }
    return openLive(watched, real, key, now);
  }

  private TailedFile openLive(Path watched, Path real, FileKey key, long now) {
    FileChannel channel = null;
    try {
      channel = FileChannel.open(real, StandardOpenOption.READ);
      FileIdentity identity = FileIdentity.of(real, channel);
      if (!FileKey.of(identity).equals(key)) {
        channel.close();
        return null; // replaced between the stat and the open: the next scan sees the new file
      }
      LogSource source = sources.of(identity, watched, real);
      if (!selfPod.isEmpty() && source.pod().equals(selfPod) && source.namespace().equals(selfNamespace)
          && config.excludeSelf()) {
        channel.close();
        return null;
      }
      FilePosition position = stored.take(real.getParent(), key,
          new PlainInput(channel).head(FileIdentity.FINGERPRINT_BYTES));
      boolean truncated = position != null && position.offset() > channel.size();
      long offset = position == null || truncated ? 0 : position.offset();
      failing.succeeded(watched);
      TailedFile file = files.add(new TailedFile(identity, real, source, new PlainInput(channel), lineReaders.get(),
          offset, TailedFile.Found.LIVE, files.nextDiscovery()), now);
      if (truncated) {
        truncatedWhileDown(file, position.offset());
      }
      budget.makeRoom(files.all(), file);
      if (!source.pod().isEmpty()) {
        knowDirectory(file.containerDir); // a container's directory: watched, and looked into for rotated files
      }
      return file;
    } catch (IOException e) {
      openFailed(watched, e);
      closeQuietly(channel);
      return null;
    }
  }

  /** Shorter than its stored position: truncated while the agent was down, read again from its start. */
  private void truncatedWhileDown(TailedFile file, long storedOffset) {
    stats.truncations.increment();
    stats.lost(TailerStats.LostBytes.TRUNCATED_BEFORE_READ, 0);
    file.skipped(0, TailerStats.LostBytes.TRUNCATED_BEFORE_READ.label());
    errors.error("truncated", file.realPath + " was truncated while the agent was down (read to " + storedOffset
        + " before): what was written after that is lost; reading it from its start", null);
  }

  private void openFailed(Path path, IOException e) {
    if (failing.failed(path, e.toString())) {
      stats.openErrors.increment();
      errors.error("open", "cannot open " + path + ": " + e, null);
    }
    stats.pathsFailing = failing.size();
  }

  /** A container directory seen for the first time: watched, and examined for rotated files. */
  private void knowDirectory(Path dir) {
    if (dir != null && !settled.containsKey(dir)) {
      settled.put(dir, new HashSet<>());
      toExamine.add(dir);
      if (watch != null && !watch.watch(dir)) {
        watchGaps = true; // out of inotify watches: back to scanning every scan_interval
      }
    }
  }

  // ---- container directories: rotated files never seen live ----

  void examinePending(long now) {
    if (toExamine.isEmpty()) {
      return;
    }
    List<Path> dirs = new ArrayList<>(toExamine);
    toExamine.clear();
    for (Path dir : dirs) {
      knowDirectory(dir);
      examine(dir, now);
    }
  }

  /**
   * Lists a container directory for kubelet's files that are not being read: rotated ones ({@code <n>.log.<time>},
   * plain or {@code .gz}) and live ones of another start ({@code <n>.log}) no symlink leads to. Each is read unless
   * it is done with already, from its stored position when it has one.
   */
  private void examine(Path dir, long now) {
    List<Path> candidates = new ArrayList<>();
    try (Stream<Path> list = Files.list(dir)) {
      list.filter(p -> LogFileName.parse(p) != null).forEach(candidates::add);
    } catch (IOException e) {
      return; // the directory went (the pod was deleted); the sweep forgets it
    }
    candidates.sort(Comparator.comparing(LogFileName::parse, LogFileName.OLDEST_FIRST));
    Set<FileKey> done = settled.computeIfAbsent(dir, d -> new HashSet<>());
    Set<FileKey> present = new HashSet<>();
    for (Path candidate : candidates) {
      FileKey key;
      try {
        key = FileKey.ofRegularFile(candidate);
      } catch (IOException e) {
        continue; // deleted since the listing (kubelet's cleanup)
      }
      if (key == null) {
        continue;
      }
      present.add(key);
      if (!files.contains(key) && !done.contains(key) && !scanner.excluded(candidate)
          && (LogFileName.parse(candidate).rotated() || orphaned(candidate))) {
        openSibling(candidate, key, done, now);
      }
    }
    done.retainAll(present);
  }

  /**
   * Whether a live file ({@code <n>.log}) found in a container's directory is one no symlink will lead to: at start
   * (the scan before found the linked ones), or unwritten for a while. A new container's file appears a moment
   * before kubelet links it; read through the link it is named with its container id.
   */
  private boolean orphaned(Path live) {
    if (!started) {
      return true;
    }
    try {
      return Files.getLastModifiedTime(live).toMillis() < System.currentTimeMillis() - ORPHAN_AFTER_MILLIS;
    } catch (IOException e) {
      return false;
    }
  }

  private void openSibling(Path path, FileKey key, Set<FileKey> done, long now) {
    LogFileName name = LogFileName.parse(path);
    Path dir = path.getParent();
    ContainerFiles container = files.in(dir);
    LogInput input = null;
    try {
      FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
      input = name.compressed() ? new GzipInput(channel) : new PlainInput(channel);
      ByteBuffer head = input.head(FileIdentity.FINGERPRINT_BYTES);
      if (input instanceof GzipInput gzip && gzip.corruption() != null) {
        corrupt(path, gzip, channel.size());
        done.add(key);
        input.close();
        return;
      }
      if (container != null && container.reads(head)) {
        input.close(); // the compressed copy of a file still read under its old name: looked at again later
        return;
      }
      if (finished.contains(dir, head)) {
        done.add(key);
        input.close();
        return;
      }
      FileIdentity identity = new FileIdentity(key.device(), key.inode(), 0, 0).refingerprint(head);
      FilePosition position = stored.take(dir, key, head);
      if (position == null && head.remaining() == 0) {
        input.close(); // empty: nothing to read yet, and nothing to know it by; looked at again later
        return;
      }
      if (position == null && firstStart && !config.readRotatedOnFirstStart()) {
        // there before the agent ever ran here: left alone, and known as such from now on
        finished.add(dir, new FilePosition(identity, path.toString(), 0));
        files.positionsChanged();
        done.add(key);
        input.close();
        return;
      }
      TailedFile.Found found = name.compressed() ? TailedFile.Found.COMPRESSED
          : name.rotated() ? TailedFile.Found.ROTATED : TailedFile.Found.LIVE;
      LogSource own = sources.of(identity, path, path);
      TailedFile file = files.add(new TailedFile(identity, path,
          container == null ? own : container.withLinkedDetails(own, name), input, lineReaders.get(),
          position == null ? 0 : position.offset(), found, files.nextDiscovery()), now);
      file.letGo(now); // nothing but this directory leads to it: read to its end, then let go
      log.info("reading {} file {} from {}", found.label(), path,
          position == null ? "its start (never read before)" : "offset " + position.offset() + " (read before)");
      stats.rotatedFilesFound.increment();
      if (name.compressed()) {
        stats.compressedFilesFound.increment();
      }
    } catch (IOException e) {
      closeQuietly(input);
      errors.error("open", "cannot open " + path + ": " + e, null);
    }
  }

  /** A {@code .gz} that cannot be decompressed further: counted, and what is left of it counted as lost. */
  void corrupt(Path path, GzipInput gzip, long compressedSize) {
    stats.corruptFiles.increment();
    long left;
    try {
      left = gzip.compressedBytesLeft();
    } catch (IOException e) {
      left = compressedSize;
    }
    stats.lost(TailerStats.LostBytes.CORRUPT, left);
    errors.error("corrupt", path + " cannot be decompressed (" + gzip.corruption() + "); " + left
        + " compressed bytes of it are lost", null);
  }

  // ---- parked files ----

  /**
   * Opens a parked file again, by its path or, when it was rotated meanwhile, by its inode in its directory.
   *
   * @return whether it is open; if not, it was forgotten (gone, or replaced by other content)
   */
  boolean reopen(TailedFile file, long now) {
    Path found = FileKey.of(file.identity).findIn(file.containerDir);
    if (found != null) {
      try {
        FileChannel channel = FileChannel.open(found, StandardOpenOption.READ);
        if (file.identity.sameStart(channel)) {
          file.unpark(new PlainInput(channel));
          budget.makeRoom(files.all(), file);
          failing.succeeded(found);
          return true;
        }
        channel.close(); // its inode is another file's now: it went the way of a deleted one
      } catch (IOException e) {
        openFailed(found, e);
        return false;
      }
    }
    // gone from its directory: kubelet may have compressed it meanwhile, and the .gz is resumed where it was left
    files.forget(file);
    FilePosition left = file.position();
    stored.add(left);
    examine(file.containerDir, now);
    if (stored.remove(left)) {
      long lost = Math.max(0, file.sizeAtLastCheck - file.readOffset);
      stats.lost(TailerStats.LostBytes.DELETED_BEFORE_READ, lost);
      errors.error("lost", file.realPath + " vanished while closed to save descriptors; " + lost
          + " bytes after offset " + file.readOffset + " could not be read", null);
    }
    return false;
  }

  void close() {
    if (watch != null) {
      try {
        watch.close();
      } catch (IOException e) {
        log.debug("closing the directory watch", e);
      }
    }
  }

  private static void closeQuietly(java.io.Closeable input) {
    if (input != null) {
      try {
        input.close();
      } catch (IOException e) {
        log.debug("closing a log file", e);
      }
    }
  }
}

package dev.nodewatch.collectors.logs;

import dev.nodewatch.collectors.queue.FileIdentity;
import dev.nodewatch.collectors.queue.FilePosition;
import dev.nodewatch.collectors.queue.LogQueue;
import dev.nodewatch.collectors.queue.LogSource;
import dev.nodewatch.collectors.queue.WhenFull;
import dev.nodewatch.collectors.runtime.Component;
import dev.nodewatch.collectors.runtime.LoopThread;
import dev.nodewatch.collectors.runtime.RateLimitedLog;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails container log files into the queue, on one thread of its own (never the event loop): finds files by the
 * include globs, reads each in turn for at most {@value #READ_BUDGET} bytes (so one noisy pod cannot starve the
 * others), frames and joins lines, and appends each file's lines as one batch together with the position they
 * advance the file to.
 *
 * <p>Files are known by device and inode, not by name. A file no watched path leads to any more is "let go": it is
 * still read to its end, and closed only when it cannot grow again — another file took its path (the runtime
 * reopened after kubelet's rename), it was deleted, or its symlink was removed and it stayed idle. When the queue is
 * full under {@code when_full: block}, reading pauses; the files on disk are the buffer.
 *
 * <p>Rotated files are also looked for where kubelet keeps them, beside the live file in the container's directory:
 * at start, on every filesystem event in that directory, and in a sweep every {@code SWEEP_EVERY}. One the tailer
 * has not read to its end ({@code 0.log.<time>}, or {@code 0.log.<time>.gz} once kubelet compressed it) is read,
 * from its stored position if it has one (recognised by its content, which compression does not change), before
 * the newer files of its container. Only on the agent's very first start on a node are the rotated files already
 * there left alone ({@code logs.read_rotated_on_first_start}).
 */
public final class LogTailer implements Component {

  private static final Logger log = LoggerFactory.getLogger(LogTailer.class);
  static final int READ_BUDGET = 256 * 1024;
  /** A file let go whose path still holds it (its symlink was removed: the container ended) closes after this. */
  private static final long IDLE_CLOSE_NANOS = TimeUnit.SECONDS.toNanos(5);
  /** A renamed file whose path stays empty (no runtime reopen) is given up after this long idle at its end. */
  private static final long ORPHAN_CLOSE_NANOS = TimeUnit.MINUTES.toNanos(5);
  private static final long POSITIONS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long MAINTAIN_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  /** How often a let-go file at its end is checked for whether it can close (it lists its directory). */
  private static final long DRAIN_CHECK_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
  /** The file-type bits of st_mode, and the value for a regular file. */
  private static final int S_IFMT = 0170000;
  private static final int S_IFREG = 0100000;
  private static final long STATUS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** The file list is made every second for a minute after it was asked for, else every ten seconds. */
  private static final long STATUS_WATCHED_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final long STATUS_ASKED_WINDOW_NANOS = TimeUnit.MINUTES.toNanos(1);
  /**
   * With filesystem events for every directory, the include globs are expanded again at least this often (events
   * trigger a scan at once); without them, every {@code scan_interval}.
   */
  private static final long WATCHED_SCAN_EVERY_NANOS = TimeUnit.SECONDS.toNanos(60);
  /**
   * A file with nothing new is looked at less and less often, down to once per this: a node of 500 quiet containers
   * then costs a few hundred reads a second, not thousands. A file that has data is read every round.
   */
  private static final long MAX_FILE_IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
  /** Quiet reads in a row (about 1.5 s) after which a container sleeps until it writes ({@link #sleepIfQuiet}). */
  private static final int SLEEP_AFTER_IDLE_READS = 9;
  /** A sleeping container's files are still looked at this often, in case an event was lost. */
  private static final long SLEEP_FALLBACK_NANOS = TimeUnit.SECONDS.toNanos(5);
  /** With filesystem events, the sweep of every container directory is only a safety net. */
  private static final long WATCHED_SWEEP_EVERY_NANOS = TimeUnit.SECONDS.toNanos(60);
  /** Idle rounds back off from 10 ms to 80 ms: a quiet node costs few reads, a busy file is read without pause. */
  private static final long MIN_IDLE_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final long MAX_IDLE_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(80);
  /** A live file in a container's directory that no symlink leads to is read once unwritten this long. */
  private static final long ORPHAN_AFTER_MILLIS = 10_000;
  /** The shortest fingerprint a compressed file is recognised by (a CRI line's framing is 40 bytes or so). */
  private static final int MIN_PREFIX_BYTES = 64;
  /** A file ending in the first part of a line waits this long for the end to come in the container's next file. */
  private static final long PART_WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);
  /** Every container directory is listed this often even without events (events can overflow or be missing). */
  private static final long SWEEP_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final LogsConfig config;
  private final LogQueue queue;
  private final WhenFull whenFull;
  private final LogSources sources;
  private final String selfNamespace;
  private final String selfPod;
  private final LongSupplier nanoTime;
  private final LogFileScanner scanner;
  private final TailerStats stats = new TailerStats();
  private final RateLimitedLog errors = new RateLimitedLog(log, Duration.ofMinutes(1));
  private final Map<FileKey, TailedFile> files = new LinkedHashMap<>();
  private final Map<Path, PartialLineJoiner> joiners = new HashMap<>();
  /** Matches that are not regular files (a directory named like a log), counted once each. */
  private final Set<Path> notFiles = new java.util.HashSet<>();
  /** Positions stored by the last run, until the files they belong to are found again (by inode or by content). */
  private final List<FilePosition> recovered = new ArrayList<>(); // a list: a freed inode is soon another file's
  /** The tailed files of each container directory, oldest first by discovery. */
  private final Map<Path, List<TailedFile>> byDirectory = new HashMap<>();
  private final FinishedFiles finished = new FinishedFiles();
  /** Per container directory: rotated files found there that are done with (finished, corrupt, left alone). */
  private final Map<Path, Set<FileKey>> settled = new HashMap<>();
  /** Container directories to list for rotated files at the next step. */
  private final Set<Path> toExamine = new LinkedHashSet<>();
  private final FailingPaths failing = new FailingPaths();
  private final byte[] readBuffer = new byte[READ_BUDGET];
  private final LoopThread loop = new LoopThread("nodewatch-log-tailer");
  private volatile List<FileStatus> statuses = List.of();
  private volatile long statusesAskedNanos = Long.MIN_VALUE / 2;
  private DirectoryWatch watch;
  /** The files in reading order, made again when one is added or forgotten; null when it must be. */
  private List<TailedFile> order;
  /** When the next quiet file is due to be looked at, as of the last read round. */
  private long nextDue = Long.MAX_VALUE;
  /** A container directory could not be watched: scans stay at {@code scan_interval}. */
  private boolean watchGaps;
  /** A glob's directory does not exist yet (no pod on the node so far): watched once it does. */
  private boolean globsUnwatched;
  private Set<Path> globDirectories = Set.of();
  private boolean positionsDirty;
  /** True during the first scan when the queue was empty: the agent's first start on this node. */
  private boolean firstStart;
  private long discoveries;
  /** False until the first scan and examination at start are done. */
  private boolean started;

  /** Device and inode: what a file is while it exists. */
  private record FileKey(long device, long inode) {
    static FileKey of(FileIdentity identity) {
      return new FileKey(identity.device(), identity.inode());
    }

    /**
     * The file at {@code path} itself, or null when it is not a regular file: one stat for type and identity, so a
     * file renamed between two calls cannot pass for "not a file".
     */
    static FileKey ofRegularFile(Path path) throws IOException {
      Map<String, Object> a = Files.readAttributes(path, "unix:dev,ino,mode", LinkOption.NOFOLLOW_LINKS);
      if ((((Number) a.get("mode")).intValue() & S_IFMT) != S_IFREG) {
        return null;
      }
      return new FileKey(((Number) a.get("dev")).longValue(), ((Number) a.get("ino")).longValue());
    }

    /** The file at {@code path} itself (a symlink is not followed). */
    static FileKey of(Path path) throws IOException {
      Map<String, Object> a = Files.readAttributes(path, "unix:dev,ino", LinkOption.NOFOLLOW_LINKS);
      return new FileKey(((Number) a.get("dev")).longValue(), ((Number) a.get("ino")).longValue());
    }
  }

  /**
   * One tailed file as {@code /debug/files} shows it: where it is and how it was found ({@code live},
   * {@code rotated} or {@code compressed}), how far it was read, and its account: bytes read, lines appended to
   * the queue, bytes skipped and why. {@code size} and {@code lagBytes} are -1 for a compressed file not yet read
   * to its end (its length is not known before).
   */
  public record FileStatus(String path, String id, long offset, long size, long lagBytes, boolean open,
      boolean rotated, String namespace, String pod, String container, double lastReadSecondsAgo, String found,
      long bytesRead, long linesAppended, long bytesSkipped, String skippedWhy) {}

  /**
   * @param labelsByUid a pod's labels by UID (from the kubelet's cache; an empty map when unknown)
   * @param self the agent's own namespace and pod ({@code POD_NAMESPACE}, {@code POD_NAME}); empty when unknown
   */
  public LogTailer(LogsConfig config, LogQueue queue, WhenFull whenFull,
      java.util.function.Function<String, Map<String, String>> labelsByUid, String selfNamespace, String selfPod,
      LongSupplier nanoTime) {
    this.config = config;
    this.queue = queue;
    this.whenFull = whenFull;
    this.sources = new LogSources(labelsByUid);
    this.selfNamespace = selfNamespace;
    this.selfPod = selfPod;
    this.nanoTime = nanoTime;
    this.scanner = new LogFileScanner(config.include(), config.exclude());
  }


  @Override
  public String name() {
    return "log-tailer";
  }

  public TailerStats stats() {
    return stats;
  }

  /**
   * Every tailed file, as of the end of a recent read round: within a second while it is being asked for, and
   * within {@code STATUS_WATCHED} otherwise (the first call after a quiet spell may see an older list).
   */
  public List<FileStatus> files() {
    statusesAskedNanos = nanoTime.getAsLong();
    return statuses;
  }

  @Override
  public Future<Void> start() {
    firstStart = queue.lastIndex() < 0;
    for (FilePosition position : queue.recoveredPositions()) {
      Path dir = Path.of(position.path()).getParent();
      if (position.finished()) {
        finished.add(dir, position);
      } else {
        recovered.add(position);
      }
      if (dir != null) {
        toExamine.add(dir);
      }
    }
    watch = watchDirectories();
    loop.start(this::run);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    return loop.stop();
  }

  private DirectoryWatch watchDirectories() {
    try {
      DirectoryWatch opened = DirectoryWatch.open();
      globDirectories = Set.copyOf(scanner.watchedDirectories());
      for (Path dir : globDirectories) {
        globsUnwatched |= !opened.watch(dir);
      }
      return opened;
    } catch (IOException e) {
      log.warn("no filesystem events for the log directories ({}); scanning every {}", e.getMessage(),
          config.scanInterval());
      return null;
    }
  }

  private void run() {
    Schedule schedule = new Schedule();
    try {
      scan(nanoTime.getAsLong());
      examinePending(nanoTime.getAsLong());
      firstStart = false;
      started = true;
      if (!recovered.isEmpty()) {
        // deleted while the agent was down (the pod went, or kubelet removed its oldest rotated files): what they
        // held after their stored position, if anything, cannot be read; how much is not known
        stats.filesGone.add(recovered.size());
        log.warn("{} log files read before the restart are gone (first: {} at offset {}); anything written to them "
            + "after that offset could not be read", recovered.size(), recovered.get(0).path(),
            recovered.get(0).offset());
      }
      recovered.clear();
      while (loop.running()) {
        try {
          step(schedule);
        } catch (RuntimeException e) {
          // whatever it was (a bug, an exotic file system), the tailer must not stop for good: log, wait, go on
          stats.readErrors.increment();
          errors.error("tailer", "the log tailer hit an unexpected error; going on", e);
          loop.pause(MAX_IDLE_SLEEP_NANOS);
        }
      }
      appendPositions();
    } finally {
      closeAll();
    }
  }

  /** When each periodic part of the loop is next due. */
  private static final class Schedule {
    long nextScan;
    long nextPositions;
    long nextMaintain;
    long nextStatus;
    long nextSweep;
    long nextFullStatus;
    long idleSleep = MIN_IDLE_SLEEP_NANOS;
  }

  private void step(Schedule at) {
    long now = nanoTime.getAsLong();
    if (now >= at.nextScan || directoryChanged()) {
      if (watch != null && globsUnwatched) {
        globsUnwatched = !globDirectories.stream().allMatch(watch::watch);
      }
      scan(now);
      boolean watched = watch != null && !watchGaps && !globsUnwatched;
      at.nextScan = now + (watched ? Math.max(WATCHED_SCAN_EVERY_NANOS, config.scanInterval().toNanos())
          : config.scanInterval().toNanos());
    }
    if (now >= at.nextSweep) {
      sweep();
      at.nextSweep = now + (watch != null && !watchGaps && !globsUnwatched ? WATCHED_SWEEP_EVERY_NANOS
          : SWEEP_EVERY_NANOS);
    }
    if (!toExamine.isEmpty()) {
      examinePending(now);
    }
    if (now >= at.nextMaintain) {
      // retention itself runs on the queue's own thread (QueueMaintenance); only the appender can write positions
      if (queue.positionsInOlderCycle()) {
        appendPositions(); // so retention can let the older cycle go
      }
      at.nextMaintain = now + MAINTAIN_EVERY_NANOS;
    }
    // a full disk always pauses (dropping would not free it); a full queue pauses unless told to drop
    boolean paused = !queue.measured() || queue.diskFull() || queue.full() && whenFull == WhenFull.BLOCK;
    stats.paused = paused;
    boolean progress = !paused && readRound(now, queue.full());
    if (positionsDirty && now >= at.nextPositions) {
      appendPositions();
      at.nextPositions = now + POSITIONS_EVERY_NANOS;
    }
    if (now >= at.nextStatus) {
      // the whole list (a size per file) only while someone looks at /debug/files, else now and then
      boolean watched = now - statusesAskedNanos < STATUS_ASKED_WINDOW_NANOS;
      if (watched || now >= at.nextFullStatus) {
        publishStatuses(now);
        at.nextFullStatus = now + STATUS_WATCHED_NANOS;
      } else {
        countOpen();
      }
      if (stats.filesOpen > config.maxOpenFiles()) {
        makeRoomForDescriptors(null); // files read to their end since: their descriptors can go now
      }
      at.nextStatus = now + STATUS_EVERY_NANOS;
    }
    if (progress) {
      at.idleSleep = MIN_IDLE_SLEEP_NANOS;
    } else {
      // until the next quiet file is due, but never so long that a directory event waits (or, when files are
      // due at once, a moment: they were just read)
      long due = Math.max(MIN_IDLE_SLEEP_NANOS, Math.min(Math.min(nextDue, at.nextScan) - now,
          MAX_FILE_IDLE_NANOS));
      loop.pause(paused ? at.idleSleep : Math.max(at.idleSleep, due));
      at.idleSleep = Math.min(MAX_IDLE_SLEEP_NANOS, at.idleSleep * 2);
    }
  }


  /** Whether a glob directory changed (scan now); changed container directories are examined for rotated files. */
  private boolean directoryChanged() {
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
  private void wake(Path dir) {
    List<TailedFile> sleeping = byDirectory.get(dir);
    if (sleeping == null || sleeping.stream().noneMatch(f -> f.sleeping)) {
      return;
    }
    for (TailedFile file : sleeping) {
      file.sleeping = false;
      file.idleReads = 0;
      file.nextReadNanos = 0;
    }
    watch.watchWrites(dir, false);
  }

  /**
   * A container whose files all stayed quiet for a while is not read again until it writes: its directory is watched
   * for writes, and its files read once more (what came before the watch) and then only on an event, or at the
   * latest after {@code SLEEP_FALLBACK}. A busy container is read instead: an event per write would cost more.
   */
  private void sleepIfQuiet(TailedFile file, long now) {
    List<TailedFile> siblings = byDirectory.get(file.containerDir);
    if (watch == null || siblings == null || !settled.containsKey(file.containerDir)
        || siblings.stream().anyMatch(f -> f.idleReads < SLEEP_AFTER_IDLE_READS || f.letGo)) {
      return;
    }
    if (watch.watchWrites(file.containerDir, true)) {
      for (TailedFile f : siblings) {
        f.sleeping = true;
        f.nextReadNanos = now; // once more: a write before the watch began gave no event
      }
    }
  }

  /** Every container directory is examined now and then, events or not; those that are gone are forgotten. */
  private void sweep() {
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

  private void appendPositions() {
    try {
      List<FilePosition> positions = new ArrayList<>(files.size());
      files.values().forEach(f -> positions.add(f.position()));
      positions.addAll(finished.all());
      queue.appendPositions(positions);
      positionsDirty = false;
    } catch (RuntimeException e) {
      stats.queueErrors.increment();
      errors.error("queue-append", "cannot write file positions to the queue: " + e, null);
    }
  }

  // ---- discovery ----

  private void scan(long now) {
    Set<Path> matched;
    try {
      matched = scanner.scan();
    } catch (IOException e) {
      errors.error("scan", "cannot list log files: " + e, null);
      return;
    }
    Map<FileKey, TailedFile> seen = new HashMap<>();
    for (Path watched : matched) {
      TailedFile file = track(watched, now);
      if (file != null) {
        seen.put(FileKey.of(file.identity), file);
      }
    }
    failing.retainOnly(matched);
    stats.pathsFailing = failing.size();
    for (Map.Entry<FileKey, TailedFile> entry : files.entrySet()) {
      TailedFile file = entry.getValue();
      if (!seen.containsKey(entry.getKey()) && !file.letGo) {
        file.letGo = true;
        file.letGoNanos = now;
        stats.rotations.increment();
        toExamine.add(file.containerDir); // kubelet compresses the rotated file before it at the same moment
        if (!file.isOpen()) {
          file.wantsOpen = true; // closed to save descriptors: it is drained like any other let-go file
        }
      } else if (seen.containsKey(entry.getKey())) {
        file.letGo = false;
        checkClosedFile(file);
      }
    }
    stats.filesTracked = files.size();
    // opening a file closes idle ones only if they are at their end; any excess left then goes once they are
    makeRoomForDescriptors(null);
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
        checkTruncated(known);
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
    return open(watched, real, key, now);
  }

  private TailedFile open(Path watched, Path real, FileKey key, long now) {
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
      long offset = startOffset(real, key, channel);
      failing.succeeded(watched);
      TailedFile file = register(new TailedFile(identity, real, source, new PlainInput(channel), newReader(),
          offset, TailedFile.Found.LIVE, discoveries++), now);
      makeRoomForDescriptors(file);
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

  private LineReader newReader() {
    return new LineReader(readBuffer, (int) config.maxLineBytes().bytes());
  }

  /** Adds a file opened just now to those read. */
  private TailedFile register(TailedFile file, long now) {
    file.lastActiveNanos = now;
    file.parser = LineParser.of(config.format(), !file.source.pod().isEmpty());
    file.multiline = config.multiline() == null ? null
        : new MultilineJoiner(config.multiline(), (int) config.maxLineBytes().bytes());
    files.put(FileKey.of(file.identity), file);
    order = null;
    byDirectory.computeIfAbsent(file.containerDir, d -> new ArrayList<>()).add(file);
    if (!file.source.pod().isEmpty()) {
      file.counts = stats.containers.computeIfAbsent(
          List.of(file.source.namespace(), file.source.pod(), file.source.container()),
          k -> new ContainerLogCounts(k.get(0), k.get(1), k.get(2)));
      file.counts.files++;
    }
    joiners.computeIfAbsent(file.containerDir, d -> new PartialLineJoiner((int) config.maxLineBytes().bytes()));
    positionsDirty = true;
    return file;
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

  // ---- rotated files never seen live ----

  private void examinePending(long now) {
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
      if (!files.containsKey(key) && !done.contains(key) && !scanner.excluded(candidate)
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
      if (beingRead(dir, head)) {
        input.close(); // the compressed copy of a file still read under its old name: looked at again later
        return;
      }
      if (finished.contains(dir, head)) {
        done.add(key);
        input.close();
        return;
      }
      FileIdentity identity = new FileIdentity(key.device(), key.inode(), 0, 0).refingerprint(head);
      FilePosition stored = storedPositionOf(dir, key, head);
      if (stored == null && head.remaining() == 0) {
        input.close(); // empty: nothing to read yet, and nothing to know it by; looked at again later
        return;
      }
      if (stored == null && firstStart && !config.readRotatedOnFirstStart()) {
        // there before the agent ever ran here: left alone, and known as such from now on
        finished.add(dir, new FilePosition(identity, path.toString(), 0));
        positionsDirty = true;
        done.add(key);
        input.close();
        return;
      }
      TailedFile.Found found = name.compressed() ? TailedFile.Found.COMPRESSED
          : name.rotated() ? TailedFile.Found.ROTATED : TailedFile.Found.LIVE;
      TailedFile file = register(new TailedFile(identity, path, siblingSource(identity, path, name), input,
          newReader(), stored == null ? 0 : stored.offset(), found, discoveries++), now);
      file.letGo = true; // nothing but this directory leads to it: read to its end, then let go
      file.letGoNanos = now;
      log.info("reading {} file {} from {}", found.label(), path,
          stored == null ? "its start (never read before)" : "offset " + stored.offset() + " (read before)");
      stats.rotatedFilesFound.increment();
      if (name.compressed()) {
        stats.compressedFilesFound.increment();
      }
    } catch (IOException e) {
      closeQuietly(input);
      errors.error("open", "cannot open " + path + ": " + e, null);
    }
  }

  /**
   * A rotated file's source: its path names the pod and container, and a file of the same start being read through
   * its {@code /var/log/containers} link gives the container id and labels the path lacks.
   */
  private LogSource siblingSource(FileIdentity identity, Path path, LogFileName name) {
    LogSource own = sources.of(identity, path, path);
    for (TailedFile f : byDirectory.getOrDefault(path.getParent(), List.of())) {
      if (f.name != null && f.name.restart() == name.restart() && !f.source.containerId().isEmpty()) {
        return new LogSource(identity, own.path(), own.namespace(), own.pod(), own.podUid(), own.container(),
            f.source.containerId(), own.restartCount(), f.source.labels());
      }
    }
    return own;
  }

  /** Whether a file of this directory that is being read has this content (its compressed copy appeared). */
  private boolean beingRead(Path dir, ByteBuffer head) {
    for (TailedFile f : byDirectory.getOrDefault(dir, List.of())) {
      if (f.identity.sameContent(head)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The stored position of this content: by inode while the file is plain, by content once it was compressed. A
   * file may have several (an early one with a short fingerprint, later ones): the furthest is taken, and all go.
   */
  private FilePosition storedPositionOf(Path dir, FileKey key, ByteBuffer head) {
    FilePosition furthest = null;
    for (java.util.Iterator<FilePosition> it = recovered.iterator(); it.hasNext(); ) {
      FilePosition position = it.next();
      if (!position.file().coversStartOf(position.offset())) {
        continue;
      }
      // its first bytes as far as they were fingerprinted (the file may have grown since)
      boolean startsAlike = position.file().startsLike(head);
      // the same inode, or by content only within the container (two containers' files may well start alike) and
      // only when the fingerprint holds a CRI line's nanosecond timestamp and more (a file stored while still short)
      boolean sameInode = FileKey.of(position.file()).equals(key) && startsAlike;
      boolean sameContent = startsAlike && position.file().fingerprintLength() >= MIN_PREFIX_BYTES
          && dir.equals(Path.of(position.path()).getParent());
      if (sameInode || sameContent) {
        it.remove();
        if (furthest == null || position.offset() > furthest.offset()) {
          furthest = position;
        }
      }
    }
    return furthest;
  }

  private void corrupt(Path path, GzipInput gzip, long compressedSize) {
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

  /** Where a newly found file starts: its stored position when it is the same file, else its beginning. */
  private long startOffset(Path real, FileKey key, FileChannel channel) throws IOException {
    FilePosition position = storedPositionOf(real.getParent(), key,
        new PlainInput(channel).head(FileIdentity.FINGERPRINT_BYTES));
    if (position == null) {
      return 0;
    }
    if (position.offset() > channel.size()) {
      stats.truncations.increment();
      return 0;
    }
    return position.offset();
  }



  /** copytruncate: the file is shorter than what was read, or starts differently; read it again from the start. */
  private void checkTruncated(TailedFile file) {
    if (!file.input.growable()) {
      return;
    }
    try {
      long size = file.input.size();
      if (size < file.readOffset || file.readOffset > 0 && !file.sameStart()) {
        stats.truncations.increment();
        // what was written after the last read and copied away before it could be read
        long lost = Math.max(0, file.sizeAtLastCheck - file.readOffset);
        stats.lost(TailerStats.LostBytes.COPYTRUNCATE, lost);
        file.skipped(lost, TailerStats.LostBytes.COPYTRUNCATE.label());
        errors.error("truncated", file.realPath + " was truncated; reading it again from the start", null);
        file.readOffset = 0;
        file.pendingStart = -1;
        file.sizeAtLastCheck = size;
        // the file is known by its new first bytes from now on: compared with the old ones, every later scan would
        // take it for truncated again and read it all once more
        file.reidentify(file.identity.refingerprint(file.input.head(FileIdentity.FINGERPRINT_BYTES)));
        positionsDirty = true;
      }
    } catch (IOException e) {
      stats.readErrors.increment();
    }
  }

  // ---- reading ----

  private boolean readRound(long now, boolean dropping) {
    boolean progress = false;
    List<TailedFile> done = new ArrayList<>();
    if (order == null) {
      order = List.copyOf(files.values()); // a copy: reading may register or forget files
    }
    nextDue = Long.MAX_VALUE;
    for (TailedFile file : order) {
      if (queue.diskFull() || queue.full() && !dropping) {
        break; // a round appends up to READ_BUDGET per file: look again before each one
      }
      if (!file.isOpen()) {
        if (!file.wantsOpen) {
          // closed to save descriptors: its size is looked at as often as an open quiet file is read (scans, which
          // also do, are rare when events cover every directory)
          if (now < file.nextReadNanos) {
            nextDue = Math.min(nextDue, file.nextReadNanos);
            continue;
          }
          checkClosedFile(file);
          if (!file.wantsOpen) {
            backOff(file, now);
            continue;
          }
        }
        if (!reopen(file)) {
          continue;
        }
        file.idleReads = 0;
        file.nextReadNanos = 0;
      }
      if (now < file.nextReadNanos) {
        nextDue = Math.min(nextDue, file.nextReadNanos);
        continue; // nothing new the last few times: looked at again a little later
      }
      if (waitsForOlder(file)) {
        continue; // a container's older content goes first, as it was written
      }
      long before = file.readOffset;
      try {
        readFile(file, now, dropping);
        flushMultiline(file, now, false, dropping);
      } catch (IOException e) {
        stats.readErrors.increment();
        errors.error("read", "cannot read " + file.realPath + ": " + e, null);
        continue;
      } catch (RuntimeException e) {
        // the queue refused the append (disk full, I/O error): nothing unstored is committed; retry later
        stats.queueErrors.increment();
        errors.error("queue-append", "cannot append to the queue: " + e, null);
        return false;
      }
      if (file.readOffset != before || file.reader.lastReadBytes() > 0) {
        progress = true;
        file.lastActiveNanos = now;
        file.idleReads = 0;
        file.nextReadNanos = 0;
        if (file.sleeping) {
          wake(file.containerDir); // written to: read, not watched, while it is busy
        }
        continue;
      }
      backOff(file, now);
      if (file.idleReads % 4 == 0 && file.input.growable() && sizeOf(file) < file.readOffset) {
        checkTruncated(file); // copytruncate, seen as soon as the file is shorter than what was read
      }
      if (file.letGo && now >= file.nextDrainCheckNanos) {
        file.nextDrainCheckNanos = now + DRAIN_CHECK_EVERY_NANOS;
        if (drained(file, now)) {
          try {
            flushMultiline(file, now, true, dropping);
          } catch (RuntimeException e) {
            stats.queueErrors.increment();
            errors.error("queue-append", "cannot append to the queue: " + e, null);
            return false;
          }
          done.add(file);
        }
      }
    }
    done.forEach(this::finish);
    return progress;
  }

  /** Nothing new in a file: looked at later, the longer the quieter, and its container put to sleep when all is. */
  private void backOff(TailedFile file, long now) {
    file.idleReads = Math.min(file.idleReads + 1, 16);
    file.nextReadNanos = now + (file.sleeping ? SLEEP_FALLBACK_NANOS
        : Math.min(MAX_FILE_IDLE_NANOS, MIN_IDLE_SLEEP_NANOS << file.idleReads));
    if (!file.sleeping && file.idleReads >= SLEEP_AFTER_IDLE_READS) {
      sleepIfQuiet(file, now);
    }
    nextDue = Math.min(nextDue, file.nextReadNanos);
  }

  private long sizeOf(TailedFile file) {
    try {
      return file.input.size();
    } catch (IOException e) {
      return Long.MAX_VALUE; // the read reports it
    }
  }

  /** Whether an older file of the same container still has bytes to read. */
  private boolean waitsForOlder(TailedFile file) {
    List<TailedFile> siblings = byDirectory.get(file.containerDir);
    if (siblings == null || siblings.size() < 2) {
      return false;
    }
    for (TailedFile other : siblings) {
      try {
        if (other != file && other.olderThan(file) && other.hasUnread()) {
          return true;
        }
      } catch (IOException e) {
        // cannot tell: the older file's own read reports the fault; this one is not held back by it
      }
    }
    return false;
  }

  /** A file read to its end that nobody writes to any more: remembered by content, so no copy is read again. */
  private void finish(TailedFile file) {
    if (file.input instanceof GzipInput gzip && gzip.corruption() != null) {
      try {
        corrupt(file.realPath, gzip, Files.size(file.realPath));
      } catch (IOException e) {
        corrupt(file.realPath, gzip, 0);
      }
    }
    if (file.name != null && file.identity.fingerprintLength() > 0) {
      finished.add(file.containerDir, file.position());
      settled.computeIfAbsent(file.containerDir, d -> new HashSet<>()).add(FileKey.of(file.identity));
    }
    forget(file);
  }

  private void readFile(TailedFile file, long now, boolean dropping) throws IOException {
    PartialLineJoiner joiner = joiners.get(file.containerDir);
    Emitter out = new Emitter(file, dropping);
    long wallNanos = System.currentTimeMillis() * 1_000_000L;
    long[] lineStart = {file.readOffset};
    long next;
    try {
      next = file.reader.read(file.input, file.readOffset, READ_BUDGET, (bytes, from, to, truncated, end) ->
          acceptLine(file, joiner, out, wallNanos, now, lineStart, bytes, from, to, truncated, end));
      if (next != file.readOffset) {
        out.finish(next); // stored first: the file's position moves only past what is in the queue
      }
    } catch (IOException | RuntimeException e) {
      out.abandon();
      throw e;
    } catch (InternalError e) {
      // the JVM's report of a fault (SIGBUS) writing a mapped block the disk could not back: the disk filled up
      // faster than measured. Nothing unstored of this read is kept; it is read again once there is space.
      out.abandon();
      throw new IllegalStateException("the queue's disk refused a write", e);
    }
    long cut = file.reader.truncatedBytes() - file.truncatedBytesCounted;
    if (cut > 0) {
      file.truncatedBytesCounted += cut;
      stats.lost(TailerStats.LostBytes.TOO_LONG, cut);
      file.skipped(cut, TailerStats.LostBytes.TOO_LONG.label());
    }
    if (next == file.readOffset) {
      return;
    }
    stats.bytesRead.add(next - file.readOffset);
    file.bytesRead += next - file.readOffset;
    if (file.counts != null) {
      file.counts.bytes.add(next - file.readOffset);
    }
    file.readOffset = next;
    file.refreshIdentity();
    if (out.olderMoved) {
      appendPositions();
    }
  }

  /** Multi-line records nothing was added to for {@code flush_after} (all of them, for a file being let go). */
  private void flushMultiline(TailedFile file, long now, boolean all, boolean dropping) {
    if (file.multiline == null || !file.multiline.hasPending()) {
      return;
    }
    Emitter out = new Emitter(file, dropping);
    try {
      file.multiline.flush(now, all, out::emit);
      out.finish(file.readOffset);
      if (out.olderMoved) {
        appendPositions();
      }
    } catch (RuntimeException | InternalError e) {
      out.abandon();
      throw e instanceof RuntimeException r ? r : new IllegalStateException("the queue's disk refused a write", e);
    }
  }

  private void acceptLine(TailedFile file, PartialLineJoiner joiner, Emitter out, long wallNanos, long now,
      long[] lineStart, byte[] bytes, int from, int to, boolean truncated, long end) {
    long start = lineStart[0];
    lineStart[0] = end;
    LogLine line = file.parser.parse(bytes, from, to, wallNanos);
    JoinedLine joined = joiner.accept(line);
    if (joined == null) {
      if (file.pendingStart < 0) {
        file.pendingStart = start;
      }
      return;
    }
    long recordOffset = file.pendingStart >= 0 ? file.pendingStart : start;
    if (!joiner.hasPending()) {
      file.pendingStart = -1;
      out.completesOlderParts();
    }
    if (truncated && !joined.truncated()) {
      joined = new JoinedLine(joined.timestampNanos(), joined.stream(), joined.messageUtf8(), true,
          joined.malformed());
    }
    if (file.multiline == null) {
      out.emit(joined, recordOffset);
    } else {
      file.multiline.accept(joined, recordOffset, now, out::emit);
    }
  }

  /**
   * Writes one read's records to the queue as batches of the file's source, each with the position it advances
   * the file to; a batch that reaches the document limit is stored and the next begun.
   */
  private final class Emitter {
    private final TailedFile file;
    private final boolean dropping;
    private LogQueue.Batch batch;
    /** Everything before this is in the queue: where a failed read goes back to. */
    private long storedUpTo;
    private boolean completesOlder;
    /** An older file's position moved with this read: write positions once this file's has moved as well. */
    boolean olderMoved;

    Emitter(TailedFile file, boolean dropping) {
      this.file = file;
      this.dropping = dropping;
      this.storedUpTo = file.resumeOffset();
    }

    void emit(JoinedLine line, long offset) {
      if (line.malformed()) {
        stats.malformedLines.increment();
      }
      if (line.truncated()) {
        stats.truncatedLines.increment();
      }
      if (dropping) {
        stats.droppedLines.increment();
        return;
      }
      if (batch == null) {
        // fingerprinted as far as the file goes before its batches are stored: they carry the identity a restart
        // recognises the file by, also once it is compressed
        refreshIdentity();
        batch = queue.batch(file.source);
      }
      boolean stderr = line.stream() == LogStream.STDERR;
      if (!batch.add(line.timestampNanos(), stderr, line.truncated(), line.malformed(), offset,
          line.messageUtf8())) {
        // full: everything before this record is in the batch, except records still gathering parts or lines
        append(file.resumeBefore(offset));
        batch = queue.batch(file.source);
        batch.add(line.timestampNanos(), stderr, line.truncated(), line.malformed(), offset, line.messageUtf8());
      }
    }

    private void refreshIdentity() {
      try {
        file.refreshIdentityBefore(Long.MAX_VALUE);
      } catch (IOException e) {
        stats.readErrors.increment(); // the batch goes with the identity it has; the next read reports the fault
      }
    }

    void finish(long next) {
      if (batch != null) {
        append(file.resumeBefore(next));
      } else {
        positionsDirty = true;
      }
    }

    /**
     * Drops what was not stored and takes the file back to the last stored position, forgetting the parts and
     * lines gathered since: they are read again, so nothing is lost and nothing is joined twice.
     */
    void abandon() {
      if (batch != null) {
        batch.abandon();
        batch = null;
      }
      file.readOffset = storedUpTo;
      file.pendingStart = -1;
      joiners.get(file.containerDir).clear();
      for (TailedFile older : byDirectory.getOrDefault(file.containerDir, List.of())) {
        if (older != file && older.pendingStart >= 0) {
          // its part was in the joiner just cleared: read again first (older files go first), then this one
          older.readOffset = older.pendingStart;
          older.pendingStart = -1;
        }
      }
      if (file.multiline != null) {
        file.multiline.clear();
      }
    }

    /**
     * A line begun in an older file of the container (a P before kubelet's rename) was completed here: once this
     * batch is stored, that file is past its last part.
     */
    void completesOlderParts() {
      completesOlder = true;
    }

    private void append(long resumeOffset) {
      queue.append(batch, resumeOffset);
      stats.linesRead.add(batch.lines());
      file.linesAppended += batch.lines();
      if (file.counts != null) {
        file.counts.lines.add(batch.lines());
      }
      batch = null;
      storedUpTo = resumeOffset;
      if (completesOlder && (file.multiline == null || !file.multiline.hasPending())) {
        completesOlder = false;
        boolean moved = false;
        for (TailedFile older : byDirectory.getOrDefault(file.containerDir, List.of())) {
          if (older != file && older.pendingStart >= 0) {
            older.pendingStart = -1;
            moved = true;
          }
        }
        // stored as soon as this file's own position has moved too (positions written now would still hold this
        // file before the batch just stored): a restart must not read the older part again to join it with another
        olderMoved |= moved;
      }
    }
  }

  /** Whether a let-go file can be closed: read to its end, and nothing will write to it again. */
  private boolean drained(TailedFile file, long now) {
    try {
      long size = file.input.size();
      long idle = now - Math.max(file.letGoNanos, file.lastActiveNanos);
      if (file.pendingStart >= 0 && idle <= PART_WAIT_NANOS) {
        return false; // it ends in the first part of a line whose end comes in the next file: kept until it does
      }
      if (file.pendingStart >= 0) {
        stats.lost(TailerStats.LostBytes.UNFINISHED, file.readOffset - file.pendingStart);
        file.skipped(file.readOffset - file.pendingStart, TailerStats.LostBytes.UNFINISHED.label());
        errors.error("unfinished", file.realPath + " ends in part of a line whose end never came; closed without it",
            null);
      }
      boolean done;
      if (!file.input.growable()) {
        done = true; // compressed: nobody writes to it
      } else try {
        FileKey there = FileKey.of(file.realPath);
        // another file at its path: the runtime writes there now; the same file: its symlink went, the container
        // ended, and a moment without writes is enough
        done = !there.equals(FileKey.of(file.identity)) || idle > IDLE_CLOSE_NANOS;
      } catch (NoSuchFileException e) {
        // deleted (nowhere in its directory any more): nothing can write to it; renamed with no successor yet: the
        // runtime has not reopened and may still write to it
        done = findByInode(file.containerDir, FileKey.of(file.identity)) == null || idle > ORPHAN_CLOSE_NANOS;
      }
      if (file.readOffset >= size) {
        return done;
      }
      if (done && idle > IDLE_CLOSE_NANOS) {
        // it ends in a line its writer never finished (no newline) and nothing will finish it now
        stats.lost(TailerStats.LostBytes.UNFINISHED, size - file.readOffset);
        file.skipped(size - file.readOffset, TailerStats.LostBytes.UNFINISHED.label());
        errors.error("unfinished", file.realPath + " ends in an unfinished line of " + (size - file.readOffset)
            + " bytes that no one will complete; closed without it", null);
        return true;
      }
      return false;
    } catch (IOException e) {
      stats.readErrors.increment();
      return true;
    }
  }


  private void forget(TailedFile file) {
    closeQuietly(file);
    files.remove(FileKey.of(file.identity));
    order = null;
    if (file.counts != null && --file.counts.files == 0) {
      stats.containers.remove(List.of(file.counts.namespace(), file.counts.pod(), file.counts.container()));
    }
    positionsDirty = true;
    List<TailedFile> siblings = byDirectory.get(file.containerDir);
    if (siblings != null) {
      siblings.remove(file);
      if (siblings.isEmpty()) {
        byDirectory.remove(file.containerDir);
        joiners.remove(file.containerDir);
      }
    }
  }

  // ---- descriptors ----

  /** Keeps at most {@code max_open_files} open by closing the longest-idle files that are at their end. */
  private void makeRoomForDescriptors(TailedFile keep) {
    long open = files.values().stream().filter(TailedFile::isOpen).count();
    if (open <= config.maxOpenFiles()) {
      return;
    }
    List<TailedFile> idle = files.values().stream()
        .filter(f -> f != keep && f.isOpen() && !f.letGo && atEnd(f))
        .sorted(Comparator.comparingLong(f -> f.lastActiveNanos))
        .limit(open - config.maxOpenFiles())
        .toList();
    for (TailedFile file : idle) {
      file.sizeAtLastCheck = file.readOffset;
      closeQuietly(file);
    }
  }

  private static boolean atEnd(TailedFile file) {
    try {
      return file.readOffset >= file.input.size();
    } catch (IOException e) {
      return false;
    }
  }

  /** On a scan: a file closed to save descriptors that has grown wants its descriptor back. */
  private void checkClosedFile(TailedFile file) {
    if (file.isOpen()) {
      return;
    }
    try {
      long size = Files.size(file.realPath);
      // it stays wanted until reopened: a paused or interrupted round may not get to it before the next scan
      file.wantsOpen |= size != file.sizeAtLastCheck;
      file.sizeAtLastCheck = Math.max(file.sizeAtLastCheck, size);
    } catch (IOException e) {
      file.wantsOpen = true; // gone from its path: find it by inode on reopen
    }
  }

  /** Opens a closed file again, by its path or, when it was rotated meanwhile, by its inode in its directory. */
  private boolean reopen(TailedFile file) {
    FileKey key = FileKey.of(file.identity);
    Path found = findByInode(file.containerDir, key);
    if (found == null) {
      // kubelet may have compressed it meanwhile: the .gz is resumed where this file was left
      forget(file);
      FilePosition left = file.position();
      recovered.add(left);
      examine(file.containerDir, nanoTime.getAsLong());
      if (recovered.remove(left)) {
        long lost = Math.max(0, file.sizeAtLastCheck - file.readOffset);
        stats.lost(TailerStats.LostBytes.DELETED_BEFORE_READ, lost);
        errors.error("lost", file.realPath + " vanished while closed to save descriptors; " + lost
            + " bytes after offset " + file.readOffset + " could not be read", null);
      }
      return false;
    }
    try {
      FileChannel channel = FileChannel.open(found, StandardOpenOption.READ);
      if (!file.identity.sameStart(channel)) {
        channel.close();
        forget(file);
        return false;
      }
      file.input = new PlainInput(channel);
      file.wantsOpen = false;
      makeRoomForDescriptors(file);
      failing.succeeded(found);
      return true;
    } catch (IOException e) {
      openFailed(found, e);
      return false;
    }
  }

  private static Path findByInode(Path dir, FileKey key) {
    try (Stream<Path> siblings = Files.list(dir)) {
      return siblings.filter(p -> {
        try {
          return FileKey.of(p).equals(key);
        } catch (IOException e) {
          return false;
        }
      }).findFirst().orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  private void countOpen() {
    int open = 0;
    for (TailedFile f : files.values()) {
      open += f.isOpen() ? 1 : 0;
    }
    stats.filesOpen = open;
  }

  private void publishStatuses(long now) {
    List<FileStatus> list = new ArrayList<>(files.size());
    int open = 0;
    for (TailedFile f : files.values()) {
      long size = f.sizeAtLastCheck;
      if (f.isOpen()) {
        open++;
        try {
          size = f.input.size();
          if (size == Long.MAX_VALUE) {
            size = -1; // compressed, its end not reached: its length is not known yet
          } else {
            f.sizeAtLastCheck = size;
          }
        } catch (IOException e) {
          size = f.readOffset;
        }
      }
      FileIdentity id = f.identity;
      list.add(new FileStatus(f.realPath.toString(), id.device() + ":" + id.inode(), f.readOffset, size,
          size < 0 ? -1 : Math.max(0, size - f.readOffset), f.isOpen(), f.letGo, f.source.namespace(),
          f.source.pod(), f.source.container(), (now - f.lastActiveNanos) / 1e9, f.found.label(), f.bytesRead,
          f.linesAppended, f.bytesSkipped, f.skippedWhy));
    }
    stats.filesOpen = open;
    statuses = list;
  }

  private void closeAll() {
    files.values().forEach(this::closeQuietly);
    if (watch != null) {
      try {
        watch.close();
      } catch (IOException e) {
        log.debug("closing the directory watch", e);
      }
    }
  }

  private void closeQuietly(TailedFile file) {
    try {
      file.close();
    } catch (IOException e) {
      log.debug("closing {}", file.realPath, e);
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

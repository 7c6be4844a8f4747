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
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
  private static final long STATUS_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
  /** Idle rounds back off from 10 ms to 80 ms: a quiet node costs few reads, a busy file is read without pause. */
  private static final long MIN_IDLE_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final long MAX_IDLE_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(80);

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
  private final Map<FileKey, FilePosition> recovered = new HashMap<>();
  private final byte[] readBuffer = new byte[READ_BUDGET];
  private final LoopThread loop = new LoopThread("nodewatch-log-tailer");
  private volatile List<FileStatus> statuses = List.of();
  private WatchService watcher;
  private boolean positionsDirty;

  /** Device and inode: what a file is while it exists. */
  private record FileKey(long device, long inode) {
    static FileKey of(FileIdentity identity) {
      return new FileKey(identity.device(), identity.inode());
    }

    /** The file at {@code path} itself (a symlink is not followed). */
    static FileKey of(Path path) throws IOException {
      Map<String, Object> a = Files.readAttributes(path, "unix:dev,ino", LinkOption.NOFOLLOW_LINKS);
      return new FileKey(((Number) a.get("dev")).longValue(), ((Number) a.get("ino")).longValue());
    }
  }

  /** One tailed file as {@code /debug/files} shows it. */
  public record FileStatus(String path, String id, long offset, long size, long lagBytes, boolean open,
      boolean rotated, String namespace, String pod, String container, double lastReadSecondsAgo) {}

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

  /** Every tailed file, as of the end of the last read round. */
  public List<FileStatus> files() {
    return statuses;
  }

  @Override
  public Future<Void> start() {
    for (FilePosition position : queue.recoveredPositions()) {
      recovered.put(FileKey.of(position.file()), position);
    }
    watcher = watchDirectories();
    loop.start(this::run);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    return loop.stop();
  }

  private WatchService watchDirectories() {
    try {
      WatchService service = FileSystems.getDefault().newWatchService();
      for (Path dir : scanner.watchedDirectories()) {
        if (Files.isDirectory(dir)) {
          dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE);
        }
      }
      return service;
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
      recoverRotatedWhileStopped(nanoTime.getAsLong());
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
    long idleSleep = MIN_IDLE_SLEEP_NANOS;
  }

  private void step(Schedule at) {
    long now = nanoTime.getAsLong();
    if (now >= at.nextScan || directoryChanged()) {
      scan(now);
      at.nextScan = now + config.scanInterval().toNanos();
    }
    if (now >= at.nextMaintain) {
      if (queue.positionsInOlderCycle()) {
        appendPositions(); // so retention can let the older cycle go
      }
      maintainQueue();
      at.nextMaintain = now + MAINTAIN_EVERY_NANOS;
    }
    // a full disk always pauses (dropping would not free it); a full queue pauses unless told to drop
    boolean paused = queue.diskFull() || queue.full() && whenFull == WhenFull.BLOCK;
    stats.paused = paused;
    boolean progress = !paused && readRound(now, queue.full());
    if (positionsDirty && now >= at.nextPositions) {
      appendPositions();
      at.nextPositions = now + POSITIONS_EVERY_NANOS;
    }
    if (now >= at.nextStatus) {
      publishStatuses(now);
      at.nextStatus = now + STATUS_EVERY_NANOS;
    }
    if (progress) {
      at.idleSleep = MIN_IDLE_SLEEP_NANOS;
    } else {
      loop.pause(at.idleSleep);
      at.idleSleep = Math.min(MAX_IDLE_SLEEP_NANOS, at.idleSleep * 2);
    }
  }


  private boolean directoryChanged() {
    if (watcher == null) {
      return false;
    }
    boolean changed = false;
    try {
      WatchKey key;
      while ((key = watcher.poll()) != null) {
        key.pollEvents();
        key.reset();
        changed = true;
      }
    } catch (ClosedWatchServiceException e) {
      watcher = null;
    }
    return changed;
  }

  private void maintainQueue() {
    try {
      queue.maintain();
      if (queue.diskFull()) {
        errors.error("disk-full", "the disk under the queue (" + queue.directory() + ") is nearly full: reading "
            + "paused until sinks catch up and retention frees space", null);
      }
    } catch (IOException e) {
      errors.error("queue-maintain", "cannot measure or clean the queue directory: " + e, null);
    }
  }

  private void appendPositions() {
    try {
      List<FilePosition> positions = new ArrayList<>(files.size());
      files.values().forEach(f -> positions.add(f.position()));
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
    for (Map.Entry<FileKey, TailedFile> entry : files.entrySet()) {
      TailedFile file = entry.getValue();
      if (!seen.containsKey(entry.getKey()) && !file.letGo) {
        file.letGo = true;
        file.letGoNanos = now;
        stats.rotations.increment();
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

  /**
   * Files with a stored position that no watched path leads to any more were rotated while the agent was not
   * running: found by inode in their directory (as {@code 0.log.<time>}), they are read to their end.
   */
  private void recoverRotatedWhileStopped(long now) {
    for (FilePosition position : new ArrayList<>(recovered.values())) {
      Path dir = Path.of(position.path()).getParent();
      Path found = dir == null ? null : findByInode(dir, FileKey.of(position.file()));
      if (found == null) {
        continue;
      }
      TailedFile file = open(found, found, FileKey.of(position.file()), now);
      if (file != null) {
        file.letGo = true;
        file.letGoNanos = now;
      }
    }
    recovered.clear();
  }

  /** The tailed file a watched path leads to, opened and registered when new; null when it cannot be tailed. */
  private TailedFile track(Path watched, long now) {
    Path real;
    FileKey key;
    try {
      real = watched.toRealPath();
      // one stat for type and identity: a file renamed between two calls must not pass for "not a file"
      Map<String, Object> a = Files.readAttributes(real, "unix:dev,ino,mode", LinkOption.NOFOLLOW_LINKS);
      if ((((Number) a.get("mode")).intValue() & S_IFMT) != S_IFREG) {
        if (notFiles.add(real)) {
          stats.skippedPaths.increment();
          errors.error("not-a-file", watched + " is not a regular file; skipped", null);
        }
        return null;
      }
      key = new FileKey(((Number) a.get("dev")).longValue(), ((Number) a.get("ino")).longValue());
    } catch (NoSuchFileException e) {
      return null; // a dangling symlink, or removed since the listing: nothing to read
    } catch (IOException e) {
      stats.openErrors.increment();
      errors.error("open", "cannot open " + watched + ": " + e, null);
      return null;
    }
    TailedFile known = files.get(key);
    if (known != null) {
      if (known.isOpen()) {
        checkTruncated(known);
      }
      if (known.source.labels().isEmpty() && !known.source.podUid().isEmpty()) {
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
      long offset = startOffset(key, channel);
      TailedFile file = new TailedFile(identity, real, source, channel,
          new LineReader(readBuffer, (int) config.maxLineBytes().bytes()), offset);
      file.lastActiveNanos = now;
      file.parser = config.format() == LogFormat.AUTO ? null : LineParser.of(config.format());
      file.multiline = config.multiline() == null ? null
          : new MultilineJoiner(config.multiline(), (int) config.maxLineBytes().bytes());
      files.put(key, file);
      joiners.computeIfAbsent(file.containerDir, d -> new PartialLineJoiner((int) config.maxLineBytes().bytes()));
      positionsDirty = true;
      makeRoomForDescriptors(file);
      return file;
    } catch (IOException e) {
      stats.openErrors.increment();
      errors.error("open", "cannot open " + real + ": " + e, null);
      closeQuietly(channel);
      return null;
    }
  }

  /** Where a newly found file starts: its stored position when it is the same file, else its beginning. */
  private long startOffset(FileKey key, FileChannel channel) throws IOException {
    FilePosition position = recovered.remove(key);
    if (position == null || !position.file().coversStartOf(position.offset())
        || !position.file().sameStart(channel)) {
      return 0;
    }
    if (position.offset() > channel.size()) {
      stats.truncations.increment();
      return 0;
    }
    return position.offset();
  }

  /** copytruncate: the file is shorter than what was read, or starts differently; read it again from 0. */
  private void checkTruncated(TailedFile file) {
    try {
      long size = file.channel.size();
      if (size < file.readOffset || file.readOffset > 0 && !file.identity.sameStart(file.channel)) {
        stats.truncations.increment();
        errors.error("truncated", file.realPath + " was truncated; reading it again from the start", null);
        file.readOffset = 0;
        file.pendingStart = -1;
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
    for (TailedFile file : new ArrayList<>(files.values())) {
      if (queue.diskFull() || queue.full() && !dropping) {
        break; // a round appends up to READ_BUDGET per file: look again before each one
      }
      if (!file.isOpen()) {
        if (!file.wantsOpen || !reopen(file)) {
          continue;
        }
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
      } else if (file.letGo && now >= file.nextDrainCheckNanos) {
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
    done.forEach(this::forget);
    return progress;
  }

  private void readFile(TailedFile file, long now, boolean dropping) throws IOException {
    PartialLineJoiner joiner = joiners.get(file.containerDir);
    Emitter out = new Emitter(file, dropping);
    long wallNanos = System.currentTimeMillis() * 1_000_000L;
    long[] lineStart = {file.readOffset};
    long next;
    try {
      next = file.reader.read(file.channel, file.readOffset, READ_BUDGET, (bytes, from, to, truncated, end) ->
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
    if (next == file.readOffset) {
      return;
    }
    stats.bytesRead.add(next - file.readOffset);
    file.readOffset = next;
    file.refreshIdentity();
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
    } catch (RuntimeException | InternalError e) {
      out.abandon();
      throw e instanceof RuntimeException r ? r : new IllegalStateException("the queue's disk refused a write", e);
    }
  }

  private void acceptLine(TailedFile file, PartialLineJoiner joiner, Emitter out, long wallNanos, long now,
      long[] lineStart, byte[] bytes, int from, int to, boolean truncated, long end) {
    long start = lineStart[0];
    lineStart[0] = end;
    if (file.parser == null) {
      file.parser = LineParser.of(LineParser.detect(bytes, from, to));
    }
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
      if (file.multiline != null) {
        file.multiline.clear();
      }
    }

    private void append(long resumeOffset) {
      queue.append(batch, resumeOffset);
      stats.linesRead.add(batch.lines());
      batch = null;
      storedUpTo = resumeOffset;
    }
  }

  /** Whether a let-go file can be closed: read to its end, and nothing will write to it again. */
  private boolean drained(TailedFile file, long now) {
    try {
      long size = file.channel.size();
      long idle = now - Math.max(file.letGoNanos, file.lastActiveNanos);
      boolean done;
      try {
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
        stats.lostBytes.add(size - file.readOffset);
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
    positionsDirty = true;
    if (files.values().stream().noneMatch(f -> f.containerDir.equals(file.containerDir))) {
      joiners.remove(file.containerDir);
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
      return file.readOffset >= file.channel.size();
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
    Path found = findByInode(file.containerDir, FileKey.of(file.identity));
    if (found == null) {
      long lost = Math.max(0, file.sizeAtLastCheck - file.readOffset);
      stats.lostBytes.add(lost);
      errors.error("lost", file.realPath + " vanished while closed to save descriptors; lines after offset "
          + file.readOffset + " could not be read", null);
      forget(file);
      return false;
    }
    try {
      FileChannel channel = FileChannel.open(found, StandardOpenOption.READ);
      if (!file.identity.sameStart(channel)) {
        channel.close();
        forget(file);
        return false;
      }
      file.channel = channel;
      file.wantsOpen = false;
      makeRoomForDescriptors(file);
      return true;
    } catch (IOException e) {
      stats.openErrors.increment();
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

  private void publishStatuses(long now) {
    List<FileStatus> list = new ArrayList<>(files.size());
    int open = 0;
    for (TailedFile f : files.values()) {
      long size = f.sizeAtLastCheck;
      if (f.isOpen()) {
        open++;
        try {
          size = f.channel.size();
          f.sizeAtLastCheck = size;
        } catch (IOException e) {
          size = f.readOffset;
        }
      }
      FileIdentity id = f.identity;
      list.add(new FileStatus(f.realPath.toString(), id.device() + ":" + id.inode(), f.readOffset, size,
          Math.max(0, size - f.readOffset), f.isOpen(), f.letGo, f.source.namespace(), f.source.pod(),
          f.source.container(), (now - f.lastActiveNanos) / 1e9));
    }
    stats.filesOpen = open;
    statuses = list;
  }

  private void closeAll() {
    files.values().forEach(this::closeQuietly);
    if (watcher != null) {
      try {
        watcher.close();
      } catch (IOException e) {
        log.debug("closing the directory watcher", e);
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

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        log.debug("closing a channel", e);
      }
    }
  }
}

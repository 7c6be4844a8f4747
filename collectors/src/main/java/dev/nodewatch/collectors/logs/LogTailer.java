package dev.nodewatch.collectors.logs;

import dev.nodewatch.collectors.queue.FilePosition;
import dev.nodewatch.collectors.queue.LogQueue;
import dev.nodewatch.collectors.queue.WhenFull;
import dev.nodewatch.collectors.runtime.Component;
import dev.nodewatch.collectors.runtime.LoopThread;
import dev.nodewatch.collectors.runtime.RateLimitedLog;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
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
 *
 * <p>The parts: {@link LogDiscovery} finds files and watches directories, {@link TailedFiles} holds them (each a
 * {@link TailedFile} with its own life, grouped per directory in {@link ContainerFiles}), {@link DescriptorBudget}
 * keeps the open ones under {@code max_open_files}, {@link LogFileReader} reads and {@link QueueEmitter} stores.
 * This class runs the loop: what is due when, which file is read next, and what {@code /debug/files} shows.
 */
public final class LogTailer implements Component {

  private static final Logger log = LoggerFactory.getLogger(LogTailer.class);
  static final int READ_BUDGET = 256 * 1024;
  private static final long POSITIONS_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long MAINTAIN_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  /** How often a let-go file at its end is checked for whether it can close (it lists its directory). */
  private static final long DRAIN_CHECK_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
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
  /** Quiet reads in a row (about 1.5 s) after which a container sleeps until it writes. */
  private static final int SLEEP_AFTER_IDLE_READS = 9;
  /** A sleeping container's files are still looked at this often, in case an event was lost. */
  private static final long SLEEP_FALLBACK_NANOS = TimeUnit.SECONDS.toNanos(5);
  /** With filesystem events, the sweep of every container directory is only a safety net. */
  private static final long WATCHED_SWEEP_EVERY_NANOS = TimeUnit.SECONDS.toNanos(60);
  /** Idle rounds back off from 10 ms to 80 ms: a quiet node costs few reads, a busy file is read without pause. */
  private static final long MIN_IDLE_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final long MAX_IDLE_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(80);
  /** Every container directory is listed this often even without events (events can overflow or be missing). */
  private static final long SWEEP_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final LogsConfig config;
  private final LogQueue queue;
  private final WhenFull whenFull;
  private final LongSupplier nanoTime;
  private final TailerStats stats = new TailerStats();
  private final RateLimitedLog errors = new RateLimitedLog(log, Duration.ofMinutes(1));
  private final Function<String, Map<String, String>> labelsByUid;
  private final String selfNamespace;
  private final String selfPod;
  private final byte[] readBuffer = new byte[READ_BUDGET]; // one for all files: they are read one at a time
  // made again at each start (a stopped tailer holds nothing); read and written on the loop's thread only
  private TailedFiles files;
  private DescriptorBudget budget;
  private LogFileReader reader;
  private LogDiscovery discovery;
  /** Where the last run left every file, for a start after a stop; null before the first stop. */
  private volatile List<FilePosition> leftAt;
  private final LoopThread loop = new LoopThread("nodewatch-log-tailer");
  private volatile List<FileStatus> statuses = List.of();
  private volatile long statusesAskedNanos = Long.MIN_VALUE / 2;
  /** When the next quiet file is due to be looked at, as of the last read round. */
  private long nextDue = Long.MAX_VALUE;

  /**
   * One tailed file as {@code /debug/files} shows it: where it is and how it was found ({@code live},
   * {@code rotated} or {@code compressed}), how far it was read, and its account: bytes read, lines appended to
   * the queue, bytes skipped and why. {@code size} and {@code lagBytes} are -1 for a compressed file not yet read
   * to its end (its length is not known before). Lines read are the file's lines as written (a line kubelet split
   * in parts counts each part); lines appended are records stored (joined, and none while dropping).
   */
  public record FileStatus(String path, String id, long offset, long size, long lagBytes, boolean open,
      boolean rotated, String namespace, String pod, String container, double lastReadSecondsAgo, String found,
      long bytesRead, long linesRead, long linesAppended, long bytesSkipped, String skippedWhy) {}

  /**
   * @param labelsByUid a pod's labels by UID (from the kubelet's cache; an empty map when unknown)
   * @param self the agent's own namespace and pod ({@code POD_NAMESPACE}, {@code POD_NAME}); empty when unknown
   */
  public LogTailer(LogsConfig config, LogQueue queue, WhenFull whenFull,
      Function<String, Map<String, String>> labelsByUid, String selfNamespace, String selfPod,
      LongSupplier nanoTime) {
    this.config = config;
    this.queue = queue;
    this.whenFull = whenFull;
    this.nanoTime = nanoTime;
    this.labelsByUid = labelsByUid;
    this.selfNamespace = selfNamespace;
    this.selfPod = selfPod;
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

  /** Starts reading; after a stop, from where that run left every file. */
  @Override
  public synchronized Future<Void> start() {
    if (loop.running()) {
      return Future.succeededFuture();
    }
    files = new TailedFiles(config, stats);
    budget = new DescriptorBudget(config.maxOpenFiles());
    reader = new LogFileReader(queue, stats, errors, READ_BUDGET, files::positionsChanged, this::appendPositions);
    int maxLineBytes = (int) config.maxLineBytes().bytes();
    discovery = new LogDiscovery(config, new LogSources(labelsByUid), selfNamespace, selfPod, files, budget, reader,
        () -> new LineReader(readBuffer, maxLineBytes), stats, errors);
    List<FilePosition> restart = leftAt;
    discovery.open(restart == null ? queue.recoveredPositions() : restart, restart == null && queue.lastIndex() < 0);
    loop.start(this::run);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    return loop.stop();
  }

  private void run() {
    Schedule schedule = new Schedule();
    try {
      discovery.scan(nanoTime.getAsLong());
      discovery.examinePending(nanoTime.getAsLong());
      List<FilePosition> gone = discovery.started();
      if (!gone.isEmpty()) {
        // deleted while the agent was down (the pod went, or kubelet removed its oldest rotated files): what they
        // held after their stored position, if anything, cannot be read; how much is not known
        stats.filesGone.add(gone.size());
        log.warn("{} log files read before the restart are gone (first: {} at offset {}); anything written to them "
            + "after that offset could not be read", gone.size(), gone.get(0).path(), gone.get(0).offset());
      }
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
      leftAt = positions();
      files.forgetAll(); // closed, and the per-container series with them
      discovery.close();
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
    if (now >= at.nextScan || discovery.directoryChanged()) {
      discovery.scan(now);
      at.nextScan = now + (discovery.fullyWatched()
          ? Math.max(WATCHED_SCAN_EVERY_NANOS, config.scanInterval().toNanos()) : config.scanInterval().toNanos());
    }
    if (now >= at.nextSweep) {
      discovery.sweep();
      at.nextSweep = now + (discovery.fullyWatched() ? WATCHED_SWEEP_EVERY_NANOS : SWEEP_EVERY_NANOS);
    }
    discovery.examinePending(now);
    if (now >= at.nextMaintain) {
      // retention itself runs on the queue's own thread (QueueMaintenance); only the appender can write positions
      if (queue.positionsShouldMove()) {
        appendPositions(); // so retention can let the older cycle go
      }
      at.nextMaintain = now + MAINTAIN_EVERY_NANOS;
    }
    // a full disk always pauses (dropping would not free it); a full queue pauses unless told to drop
    boolean paused = !queue.measured() || queue.diskFull() || queue.full() && whenFull == WhenFull.BLOCK;
    stats.paused = paused;
    boolean progress = !paused && readRound(now, queue.full());
    if (files.havePositionsChanged() && now >= at.nextPositions) {
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
        stats.filesOpen = DescriptorBudget.open(files.all());
      }
      if (budget.exceeded(stats.filesOpen)) {
        budget.makeRoom(files.all(), null); // files read to their end since: their descriptors can go now
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

  /** Every tailed file's position, and the finished files'. */
  private List<FilePosition> positions() {
    List<FilePosition> positions = new ArrayList<>(files.size());
    files.all().forEach(f -> positions.add(f.position()));
    positions.addAll(discovery.finishedPositions());
    return positions;
  }

  private void appendPositions() {
    try {
      queue.appendPositions(positions());
      files.positionsStored();
    } catch (RuntimeException e) {
      stats.queueErrors.increment();
      errors.error("queue-append", "cannot write file positions to the queue: " + e, null);
    }
  }

  // ---- reading ----

  private boolean readRound(long now, boolean dropping) {
    boolean progress = false;
    List<TailedFile> done = new ArrayList<>();
    nextDue = Long.MAX_VALUE;
    for (TailedFile file : files.readingOrder()) {
      if (queue.diskFull() || queue.full() && !dropping) {
        break; // a round appends up to READ_BUDGET per file: look again before each one
      }
      if (!file.isOpen()) {
        if (!file.wantsOpen()) {
          // parked: its size is looked at as often as an open quiet file is read (scans, which also do, are rare
          // when events cover every directory)
          if (now < file.nextReadNanos) {
            nextDue = Math.min(nextDue, file.nextReadNanos);
            continue;
          }
          DescriptorBudget.lookAtParked(file);
          if (!file.wantsOpen()) {
            backOff(file, now);
            continue;
          }
        }
        if (!discovery.reopen(file, now)) {
          continue;
        }
        file.idleReads = 0;
        file.nextReadNanos = 0;
      }
      if (now < file.nextReadNanos) {
        nextDue = Math.min(nextDue, file.nextReadNanos);
        continue; // nothing new the last few times: looked at again a little later
      }
      ContainerFiles container = files.in(file.containerDir);
      if (container.waitsForOlder(file)) {
        continue; // a container's older content goes first, as it was written
      }
      long before = file.readOffset;
      try {
        reader.read(file, container, now, dropping);
        reader.flushMultiline(file, container, now, false, dropping);
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
          discovery.wake(file.containerDir); // written to: read, not watched, while it is busy
        }
        continue;
      }
      backOff(file, now);
      if (file.idleReads % 4 == 0 && file.input.growable() && sizeOf(file) < file.readOffset) {
        reader.checkTruncated(file); // copytruncate, seen as soon as the file is shorter than what was read
      }
      if (file.isLetGo() && now >= file.nextDrainCheckNanos) {
        file.nextDrainCheckNanos = now + DRAIN_CHECK_EVERY_NANOS;
        if (drained(file, now)) {
          try {
            reader.flushMultiline(file, container, now, true, dropping);
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
      discovery.sleepIfQuiet(file, SLEEP_AFTER_IDLE_READS, now);
    }
    nextDue = Math.min(nextDue, file.nextReadNanos);
  }

  private static long sizeOf(TailedFile file) {
    try {
      return file.input.size();
    } catch (IOException e) {
      return Long.MAX_VALUE; // the read reports it
    }
  }

  /** Whether a let-go file can close; what it gives up on the way is counted and logged. */
  private boolean drained(TailedFile file, long now) {
    TailedFile.Drain drain;
    try {
      drain = file.drain(now);
    } catch (IOException e) {
      stats.readErrors.increment();
      return true;
    }
    if (drain.lostPart() > 0) {
      stats.lost(TailerStats.LostBytes.UNFINISHED, drain.lostPart());
      errors.error("unfinished", file.realPath + " ends in part of a line whose end never came; closed without it",
          null);
    }
    if (drain.lostTail() > 0) {
      stats.lost(TailerStats.LostBytes.UNFINISHED, drain.lostTail());
      errors.error("unfinished", file.realPath + " ends in an unfinished line of " + drain.lostTail()
          + " bytes that no one will complete; closed without it", null);
    }
    return drain.close();
  }

  /** A file read to its end that nobody writes to any more: remembered as finished, then forgotten. */
  private void finish(TailedFile file) {
    if (file.input instanceof GzipInput gzip && gzip.corruption() != null) {
      long size;
      try {
        size = Files.size(file.realPath);
      } catch (IOException e) {
        size = 0;
      }
      discovery.corrupt(file.realPath, gzip, size);
    }
    discovery.finished(file);
    files.forget(file);
  }

  private void publishStatuses(long now) {
    List<FileStatus> list = new ArrayList<>(files.size());
    int open = 0;
    for (TailedFile f : files.all()) {
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
      list.add(new FileStatus(f.realPath.toString(), f.identity.device() + ":" + f.identity.inode(), f.readOffset,
          size, size < 0 ? -1 : Math.max(0, size - f.readOffset), f.isOpen(), f.isLetGo(), f.source.namespace(),
          f.source.pod(), f.source.container(), (now - f.lastActiveNanos) / 1e9, f.found.label(), f.bytesRead,
          f.linesRead, f.linesAppended, f.bytesSkipped, f.skippedWhy));
    }
    stats.filesOpen = open;
    statuses = list;
  }
}

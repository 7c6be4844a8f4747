package dev.nodewatch.agent;

import dev.nodewatch.agent.config.AgentConfig;
import dev.nodewatch.collectors.kube.KubeletPods;
import dev.nodewatch.collectors.kube.PodMetadata;
import dev.nodewatch.collectors.logs.LogTailer;
import dev.nodewatch.collectors.logs.TailerStats;
import dev.nodewatch.collectors.queue.LogQueue;
import dev.nodewatch.collectors.queue.QueueMaintenance;
import dev.nodewatch.collectors.queue.QueueReader;
import dev.nodewatch.collectors.runtime.Component;
import dev.nodewatch.collectors.queue.DeadLetterQueue;
import dev.nodewatch.exporters.forward.Sink;
import dev.nodewatch.exporters.forward.SinkConfig;
import dev.nodewatch.exporters.forward.SinkContext;
import dev.nodewatch.exporters.forward.SinkMetrics;
import dev.nodewatch.exporters.forward.SinkHealth;
import dev.nodewatch.exporters.forward.SinkPipeline;
import dev.nodewatch.exporters.sink.SinkTypes;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The log path of the agent, wired from the configuration: the queue under {@code <data_dir>/queue}, one pipeline
 * per configured sink (each with its own queue reader), and the tailer. Also their metrics and debug pages.
 *
 * <p>Opening the queue loads Chronicle (~1,300 classes, ~220 ms here even from the class-data archive), so it starts
 * on a thread of its own as soon as the agent is built, beside Vert.x and the collectors, and {@link #start} waits
 * for it. Stopping goes tailer first (its last positions are written), then the sinks, then the queue.
 */
final class LogShipping implements Component {

  /** What exists once the queue is open. */
  private record Wired(LogQueue queue, QueueMaintenance maintenance, List<SinkPipeline> pipelines,
      List<DeadLetterQueue> deadLetters, LogTailer tailer) {}

  /** Days a sink's refused records are kept in its dead-letter queue. */
  private static final int DEAD_LETTER_DAYS = 7;

  private final AgentConfig config;
  private final Vertx vertx;
  private final KubeletPods kubelet;
  private final MeterRegistry registry;
  private final CompletableFuture<LogQueue> opening;
  private volatile Wired wired; // set once, under this object's lock
  /** Per-container log series follow the tailed containers this often. */
  private static final long CONTAINER_METERS_EVERY_MILLIS = 5_000;
  private volatile long containerTimer = -1;
  private boolean stopped;
  private final SinkTypes sinkTypes = SinkTypes.builtIn();

  LogShipping(AgentConfig config, Vertx vertx, KubeletPods kubelet, MeterRegistry registry) {
    this.config = config;
    this.vertx = vertx;
    this.kubelet = kubelet;
    this.registry = registry;
    this.opening = CompletableFuture.supplyAsync(this::openQueue, task -> {
      Thread thread = new Thread(task, "nodewatch-queue-open");
      thread.setDaemon(true);
      thread.start();
    });
  }

  private LogQueue openQueue() {
    try {
      return LogQueue.open(Path.of(config.dataDir(), "queue"), config.queue(), config.nodeName(),
          config.logs().maxLineBytes().bytes(), sinkNames());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the log queue under data_dir " + config.dataDir() + ": "
          + e.getMessage(), e);
    }
  }

  private List<String> sinkNames() {
    return config.sinks().stream().map(SinkConfig::name).toList();
  }

  @Override
  public String name() {
    return "logs";
  }

  @Override
  public Future<Void> start() {
    return Future.fromCompletionStage(opening).compose(queue -> {
      synchronized (this) {
        if (stopped) {
          queue.close(); // stopped while the queue was opening: nothing to start
          return Future.succeededFuture();
        }
        try {
          wired = wire(queue);
        } catch (Exception e) {
          queue.close();
          return Future.failedFuture(e);
        }
      }
      registerMetrics(wired);
      ContainerLogMeters containerMeters = new ContainerLogMeters(registry, wired.tailer().stats());
      containerTimer = vertx.setPeriodic(CONTAINER_METERS_EVERY_MILLIS, id -> containerMeters.sync());
      List<Future<Void>> started = new ArrayList<>();
      started.add(wired.maintenance().start());
      wired.pipelines().forEach(p -> started.add(p.start()));
      started.add(wired.tailer().start());
      return Future.all(started).mapEmpty();
    });
  }

  private Wired wire(LogQueue queue) throws Exception {
    List<SinkPipeline> pipelines = new ArrayList<>();
    List<DeadLetterQueue> deadLetters = new ArrayList<>();
    try {
      for (SinkConfig sink : config.sinks()) {
        DeadLetterQueue refused = DeadLetterQueue.open(deadLetterDir(config, sink.name()), DEAD_LETTER_DAYS);
        deadLetters.add(refused);
        pipelines.add(new SinkPipeline(sink, queue.reader(sink.name()), () -> open(sink), refused,
            new SinkMetrics(registry, sink.name())));
      }
    } catch (Exception e) {
      deadLetters.forEach(DeadLetterQueue::close);
      throw e;
    }
    LogTailer tailer = new LogTailer(config.logs(), queue, config.queue().whenFull(),
        uid -> kubelet.cachedByUid(uid).map(PodMetadata::labels).orElse(Map.of()),
        Objects.requireNonNullElse(System.getenv("POD_NAMESPACE"), ""),
        Objects.requireNonNullElse(System.getenv("POD_NAME"), ""), System::nanoTime);
    return new Wired(queue, new QueueMaintenance(queue), List.copyOf(pipelines), List.copyOf(deadLetters), tailer);
  }

  @Override
  public Future<Void> stop() {
    Wired w;
    synchronized (this) {
      stopped = true;
      w = wired;
    }
    if (containerTimer >= 0) {
      vertx.cancelTimer(containerTimer);
    }
    if (w == null) {
      // never started: close the queue if and when it opens
      opening.thenAccept(LogQueue::close);
      return Future.succeededFuture();
    }
    return w.tailer().stop()
        .eventually(() -> Future.join(w.pipelines().stream().map(SinkPipeline::stop).toList()))
        .eventually(() -> w.maintenance().stop())
        .eventually(() -> {
          w.deadLetters().forEach(DeadLetterQueue::close);
          w.queue().close();
          return Future.succeededFuture();
        })
        .mapEmpty();
  }

  /** Where a sink's refused records are kept: {@code <data_dir>/dead-letter/<sink>}. */
  static Path deadLetterDir(AgentConfig config, String sink) {
    return Path.of(config.dataDir(), "dead-letter", sink);
  }

  private Sink open(SinkConfig sink) throws IOException {
    return sinkTypes.open(sink, new SinkContext(vertx, System.out, System.getenv()));
  }

  Map<String, Supplier<Object>> debugPages() {
    Map<String, Supplier<Object>> pages = new LinkedHashMap<>();
    pages.put("/debug/files", () -> whenWired(w -> Map.of("files", w.tailer().files())));
    pages.put("/debug/queue", () -> whenWired(this::queueStatus));
    pages.put("/debug/sinks", () -> whenWired(w -> Map.of("sinks",
        w.pipelines().stream().map(LogShipping::sinkStatus).toList())));
    return pages;
  }

  /** One sink on /debug/sinks; asking checks the sink again when its last word is older than 10 s. */
  private static Map<String, Object> sinkStatus(SinkPipeline p) {
    SinkHealth.Health health = p.health();
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("name", p.sinkName());
    status.put("healthy", health.healthy());
    status.put("health", health.detail());
    status.put("checked_at", health.at().toString());
    status.put("sent_events", (long) p.metrics().sentEvents());
    status.put("failed_events", p.metrics().failedEvents());
    status.put("retries", (long) p.metrics().retries());
    status.put("dead_lettered_events", (long) p.metrics().deadLetteredEvents());
    status.put("filtered_events", (long) p.metrics().filteredEvents());
    status.put("lag_events", p.reader().lagEvents());
    status.put("lag_documents", p.reader().lagDocuments());
    status.put("dead_letter_dir", p.deadLetters().directory().toString());
    status.put("last_error", p.lastError());
    return status;
  }

  private Object whenWired(java.util.function.Function<Wired, Object> page) {
    Wired w = wired;
    return w == null ? Map.of("state", "starting: the queue is being opened") : page.apply(w);
  }

  private Object queueStatus(Wired w) {
    LogQueue queue = w.queue();
    List<Map<String, Object>> readers = new ArrayList<>();
    for (QueueReader reader : queue.readers()) {
      readers.add(Map.of("name", reader.name(), "committed_index", reader.committedIndex(),
          "lag_documents", reader.lagDocuments(), "lag_events", reader.lagEvents(), "lag_bytes", reader.lagBytes()));
    }
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("directory", queue.directory().toString());
    status.put("bytes", queue.bytesOnDisk());
    status.put("backlog_bytes", queue.backlogBytes());
    status.put("full", queue.full());
    status.put("records_appended", queue.appendedRecords());
    status.put("batches_appended", queue.appendedBatches());
    status.put("last_index", queue.lastIndex());
    status.put("files_deleted", queue.deletedFiles());
    status.put("files_expired", queue.expiredFiles());
    status.put("disk_full", queue.diskFull());
    status.put("readers", readers);
    return status;
  }

  private void registerMetrics(Wired w) {
    LogQueue queue = w.queue();
    TailerStats stats = w.tailer().stats();
    counter(registry, "nodewatch.logs.lines", stats, TailerStats::linesRead,
        "Log lines (joined) appended to the queue.");
    counter(registry, "nodewatch.logs.read.bytes", stats, TailerStats::bytesRead, "Bytes read from log files.");
    counter(registry, "nodewatch.logs.malformed.lines", stats, TailerStats::malformedLines,
        "Lines whose CRI or Docker framing could not be read; shipped whole, marked malformed.");
    counter(registry, "nodewatch.logs.truncated.lines", stats, TailerStats::truncatedLines,
        "Lines longer than logs.max_line_bytes, shipped truncated.");
    counter(registry, "nodewatch.logs.dropped.lines", stats, TailerStats::droppedLines,
        "Lines not stored because the queue was full (when_full: drop_newest).");
    counter(registry, "nodewatch.logs.truncations", stats, TailerStats::truncations,
        "Files found shorter than their read position (copytruncate, or truncated while the agent was down) and read "
            + "again from the start.");
    counter(registry, "nodewatch.logs.rotations", stats, TailerStats::rotations,
        "Files let go because no watched path leads to them any more (rotated or removed).");
    for (TailerStats.LostBytes reason : TailerStats.LostBytes.values()) {
      FunctionCounter.builder("nodewatch.logs.lost.bytes", stats, s -> s.lostBytes(reason))
          .tag("reason", reason.label())
          .description("Bytes of log files that could not be shipped, by reason: deleted_before_read, "
              + "truncated_before_read (always 0: how much is not known; the file is flagged), copytruncate, "
              + "too_long (beyond logs.max_line_bytes), unfinished (a last line nobody completed), corrupt (.gz).")
          .register(registry);
    }
    counter(registry, "nodewatch.logs.rotated.files.found", stats, TailerStats::rotatedFilesFound,
        "Rotated files found beside a container's log that were never read under their live name (read now).");
    counter(registry, "nodewatch.logs.compressed.files.found", stats, TailerStats::compressedFilesFound,
        "Of those, compressed (.gz) files, read by decompressing them.");
    counter(registry, "nodewatch.logs.files.gone", stats, TailerStats::filesGone,
        "Files read before a restart that were deleted while the agent was down (what followed their stored "
        + "position could not be read).");
    counter(registry, "nodewatch.logs.corrupt.files", stats, TailerStats::corruptFiles,
        "Compressed log files that could not be decompressed to their end.");
    counter(registry, "nodewatch.logs.open.errors", stats, TailerStats::openErrors,
        "Paths that started failing to open (counted once each until they open or go away).");
    gauge(registry, "nodewatch.logs.paths.failing", stats, TailerStats::pathsFailing,
        "Paths matching logs.include that cannot be opened now.");
    counter(registry, "nodewatch.logs.skipped.paths", stats, TailerStats::skippedPaths,
        "Paths matching logs.include that are not regular files (each counted once).");
    counter(registry, "nodewatch.logs.read.errors", stats, TailerStats::readErrors, "Failed reads of log files.");
    counter(registry, "nodewatch.queue.append.errors", stats, TailerStats::queueErrors,
        "Appends to the queue that failed (disk full, I/O error); reading retries.");
    gauge(registry, "nodewatch.logs.files.tracked", stats, TailerStats::filesTracked, "Log files being tailed.");
    gauge(registry, "nodewatch.logs.files.open", stats, TailerStats::filesOpen, "Log files with an open descriptor.");
    gauge(registry, "nodewatch.logs.paused", stats, s -> s.paused() ? 1 : 0,
        "1 while reading is paused because the queue is full (when_full: block).");
    gauge(registry, "nodewatch.queue.bytes", queue, LogQueue::bytesOnDisk, "Bytes of queue files on disk.");
    gauge(registry, "nodewatch.queue.backlog.bytes", queue, LogQueue::backlogBytes,
        "Bytes the slowest sink has not acknowledged; reading pauses at queue.max_bytes.");
    counter(registry, "nodewatch.queue.records", queue, LogQueue::appendedRecords, "Records appended to the queue.");
    gauge(registry, "nodewatch.queue.disk.full", queue, q -> q.diskFull() ? 1 : 0,
        "1 while the disk under the queue is nearly full: reading pauses (or drops, under drop_newest).");
    counter(registry, "nodewatch.queue.disk.full.events", queue, LogQueue::diskFullEvents,
        "Times the disk under the queue ran short of space.");
    counter(registry, "nodewatch.queue.files.expired", queue, LogQueue::expiredFiles,
        "Queue files deleted by queue.max_age before every sink had read them (their records were not delivered).");
    counter(registry, "nodewatch.queue.files.deleted", queue, LogQueue::deletedFiles,
        "Queue files deleted by retention after every reader passed them.");
  }

  private static <T> void counter(MeterRegistry registry, String name, T source, ToDoubleFunction<T> value,
      String help) {
    FunctionCounter.builder(name, source, value).description(help).register(registry);
  }

  private static <T> void gauge(MeterRegistry registry, String name, T source, ToDoubleFunction<T> value,
      String help) {
    Gauge.builder(name, source, value).description(help).register(registry);
  }
}

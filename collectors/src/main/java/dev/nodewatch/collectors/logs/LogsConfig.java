package dev.nodewatch.collectors.logs;

import dev.nodewatch.collectors.config.ByteSize;
import dev.nodewatch.collectors.config.ConfigProblems;
import java.time.Duration;
import java.util.List;

/**
 * Which container log files are tailed and how their lines are framed.
 *
 * @param scanInterval how often the include globs are expanded again while some directory cannot be watched; with
 *     filesystem events for every directory a change triggers a scan at once and the periodic scan is a safety net
 * @param maxOpenFiles descriptors kept open at most; beyond it, files idle at their end are closed and reopened by
 *     position when they grow
 * @param multiline joins stack traces and other multi-line messages into one record; null (the default) keeps
 *     every line a record of its own
 * @param excludeSelf leave out the agent's own container (known from {@code POD_NAMESPACE}/{@code POD_NAME}), so
 *     its logs about shipping logs are not shipped in a loop
 * @param readRotatedOnFirstStart on the agent's very first start on a node (no queue yet), also read the rotated
 *     files kubelet already keeps, not only the live ones; after that, every rotated file written after the agent
 *     first saw its container is read, plain or compressed
 */
public record LogsConfig(List<String> include, List<String> exclude, LogFormat format, ByteSize maxLineBytes,
    Duration scanInterval, Integer maxOpenFiles, Boolean excludeSelf, MultilineConfig multiline,
    Boolean readRotatedOnFirstStart) {

  /**
   * Loki's own limit per line, and eight times Fluent Bit's default buffer. It also sizes the queue's mapped blocks
   * (four lines to a block): 1 MiB lines made 4 MiB blocks, and the writer's and the two readers' blocks cost about
   * 8 MiB more RSS at full speed.
   */
  public static final ByteSize DEFAULT_MAX_LINE_BYTES = ByteSize.of(256 * 1024);

  public LogsConfig {
    include = include == null ? List.of("/var/log/containers/*.log") : List.copyOf(include);
    exclude = exclude == null ? List.of() : List.copyOf(exclude);
    format = format == null ? LogFormat.AUTO : format;
    maxLineBytes = maxLineBytes == null ? DEFAULT_MAX_LINE_BYTES : maxLineBytes;
    scanInterval = scanInterval == null ? Duration.ofSeconds(1) : scanInterval;
    maxOpenFiles = maxOpenFiles == null ? 1024 : maxOpenFiles;
    excludeSelf = excludeSelf == null ? Boolean.TRUE : excludeSelf;
    readRotatedOnFirstStart = readRotatedOnFirstStart == null ? Boolean.FALSE : readRotatedOnFirstStart;
  }

  public LogsConfig(List<String> include, List<String> exclude, LogFormat format, ByteSize maxLineBytes,
      Duration scanInterval, Integer maxOpenFiles, Boolean excludeSelf, MultilineConfig multiline) {
    this(include, exclude, format, maxLineBytes, scanInterval, maxOpenFiles, excludeSelf, multiline, null);
  }

  public static LogsConfig defaults() {
    return new LogsConfig(null, null, null, null, null, null, null, null, null);
  }

  public void validate(String path, ConfigProblems problems) {
    for (int i = 0; i < include.size(); i++) {
      problems.requireAbsolute(ConfigProblems.path(path, "include") + "[" + i + "]", include.get(i));
    }
    for (int i = 0; i < exclude.size(); i++) {
      problems.requireAbsolute(ConfigProblems.path(path, "exclude") + "[" + i + "]", exclude.get(i));
    }
    if (maxLineBytes.bytes() < 1024) {
      problems.add(ConfigProblems.path(path, "max_line_bytes"),
          "must be at least 1KiB, was " + maxLineBytes);
    }
    if (scanInterval.compareTo(Duration.ofMillis(100)) < 0) {
      problems.add(ConfigProblems.path(path, "scan_interval"), "must be at least 100ms");
    }
    if (multiline != null) {
      multiline.validate(ConfigProblems.path(path, "multiline"), problems);
    }
    if (maxOpenFiles < 8) {
      problems.add(ConfigProblems.path(path, "max_open_files"), "must be at least 8, was " + maxOpenFiles);
    }
  }
}

package dev.nodewatch.collectors.logs;

import dev.nodewatch.collectors.queue.FileIdentity;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/** Real files opened as the tailer opens them, for the tests of its parts. */
final class OpenedFiles {

  private OpenedFiles() {}

  /** {@code path} opened and tailed from {@code offset}, found live; {@code discovery} orders equal names. */
  static TailedFile tailed(Path path, long offset, long discovery) throws IOException {
    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
    FileIdentity identity = FileIdentity.of(path, channel);
    TailedFile file = new TailedFile(identity, path, new LogSources(uid -> Map.of()).of(identity, path, path),
        new PlainInput(channel), new LineReader(new byte[64 * 1024], 1 << 20), offset, TailedFile.Found.LIVE,
        discovery);
    file.parser = LineParser.of(LogFormat.CRI, true);
    return file;
  }
}

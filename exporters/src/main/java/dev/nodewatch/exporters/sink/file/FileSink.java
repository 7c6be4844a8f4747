package dev.nodewatch.exporters.sink.file;

import dev.nodewatch.exporters.forward.SinkType;
import dev.nodewatch.exporters.forward.RecordJson;
import dev.nodewatch.exporters.forward.Sink;
import dev.nodewatch.exporters.forward.SinkBatch;
import dev.nodewatch.exporters.forward.SinkException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Appends records to a local file as NDJSON, one record per line: a way to see what the agent ships before any
 * remote sink exists, and the sink the crash tests read back. A batch counts as accepted once written to the file
 * (the page cache survives the agent being killed; a machine crash may lose what was not yet flushed).
 */
public final class FileSink implements Sink {

  /** {@code type: file}. */
  public static final SinkType<FileOptions> TYPE = new SinkType<>("file", FileOptions.class,
      (settings, options, context) -> new FileSink(Path.of(options.path())));


  private final RecordJson json = new RecordJson();
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1 << 20);
  private final FileChannel channel;
  private final Path path;

  public FileSink(Path path) throws IOException {
    this.path = path;
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    this.channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.READ);
    dropUnfinishedLine();
  }

  /**
   * A previous run killed mid-write leaves half a record at the end. Its batch was never acknowledged and is sent
   * again, so the half line is cut off rather than left to merge with the next record into invalid JSON.
   */
  private void dropUnfinishedLine() throws IOException {
    long end = channel.size();
    ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
    long keep = end;
    search:
    while (keep > 0) {
      long from = Math.max(0, keep - chunk.capacity());
      chunk.clear().limit((int) (keep - from));
      while (chunk.hasRemaining() && channel.read(chunk, from + chunk.position()) > 0) {
        // positional reads until the chunk is full
      }
      for (int i = chunk.position() - 1; i >= 0; i--) {
        if (chunk.get(i) == '\n') {
          keep = from + i + 1;
          break search;
        }
      }
      keep = from;
    }
    if (keep < end) {
      channel.truncate(keep);
    }
    channel.position(keep);
  }

  @Override
  public List<Rejection> send(SinkBatch batch) throws SinkException {
    long start = -1;
    try {
      buffer.reset();
      json.writeLines(batch.records(), buffer);
      ByteBuffer bytes = ByteBuffer.wrap(buffer.toByteArray());
      start = channel.position();
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      return List.of();
    } catch (IOException e) {
      if (start >= 0) {
        undo(start);
      }
      throw SinkException.retryable("io", "cannot write " + path + ": " + e.getMessage(), e);
    }
  }

  /** The batch is sent again whole: leave no half of it in front of that. */
  private void undo(long start) throws SinkException {
    try {
      channel.truncate(start);
      channel.position(start);
    } catch (IOException e) {
      throw SinkException.retryable("io", "cannot cut a half-written batch from " + path + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String check() throws SinkException {
    if (!channel.isOpen() || !Files.isWritable(path)) {
      throw SinkException.retryable("io", path + " is not writable", null);
    }
    return path + " is writable";
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}

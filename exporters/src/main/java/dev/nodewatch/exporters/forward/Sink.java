package dev.nodewatch.exporters.forward;

import dev.nodewatch.collectors.queue.LogRecord;
import java.io.IOException;
import java.util.List;

/**
 * Where a pipeline delivers records. {@link #send} returns only once the destination has accepted every record of
 * the batch (then the pipeline acknowledges it in the queue), and throws otherwise (then the same batch is sent
 * again). Called from the pipeline's thread only.
 */
public interface Sink extends AutoCloseable {

  void send(List<LogRecord> records) throws IOException;

  @Override
  void close() throws IOException;
}

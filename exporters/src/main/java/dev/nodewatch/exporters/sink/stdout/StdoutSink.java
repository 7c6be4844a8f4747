package dev.nodewatch.exporters.sink.stdout;

import dev.nodewatch.exporters.forward.SinkType;
import dev.nodewatch.exporters.forward.RecordJson;
import dev.nodewatch.exporters.forward.Sink;
import dev.nodewatch.exporters.forward.SinkBatch;
import dev.nodewatch.exporters.forward.SinkException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/** Prints records as NDJSON on the agent's standard output, between its own log lines: for trying things out. */
public final class StdoutSink implements Sink {

  /** {@code type: stdout}. */
  public static final SinkType<StdoutOptions> TYPE = new SinkType<>("stdout", StdoutOptions.class,
      (settings, options, context) -> new StdoutSink(context.stdout()));


  private final RecordJson json = new RecordJson();
  private final PrintStream out;

  public StdoutSink(PrintStream out) {
    this.out = out;
  }

  @Override
  public List<Rejection> send(SinkBatch batch) throws SinkException {
    synchronized (out) {
      try {
        json.writeLines(batch.records(), out);
      } catch (IOException e) {
        throw SinkException.retryable("io", "cannot encode records: " + e.getMessage(), e);
      }
      out.flush();
    }
    check();
    return List.of();
  }

  @Override
  public String check() throws SinkException {
    if (out.checkError()) {
      throw SinkException.retryable("io", "standard output refused the records", null);
    }
    return "standard output";
  }

  @Override
  public void close() {
    out.flush();
  }
}

package dev.nodewatch.exporters.forward;

import dev.nodewatch.collectors.queue.LogRecord;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/** Prints records as NDJSON on the agent's standard output, between its own log lines: for trying things out. */
public final class StdoutSink implements Sink {

  private final RecordJson json = new RecordJson();
  private final PrintStream out;

  public StdoutSink(PrintStream out) {
    this.out = out;
  }

  @Override
  public void send(List<LogRecord> records) throws IOException {
    synchronized (out) {
      json.writeLines(records, out);
      out.flush();
    }
    if (out.checkError()) {
      throw new IOException("standard output refused the records");
    }
  }

  @Override
  public void close() {
    out.flush();
  }
}

package dev.nodewatch.exporters.sink.loki;

import io.vertx.core.Vertx;

/**
 * Runs the test's Loki receiver as a process of its own for bench/forward.sh: it decodes every push with the
 * generated classes and counts, keeping nothing. Prints {@code endpoint <url>} once it serves; when its standard
 * input closes, prints {@code entries <n> wire_bytes <n>} and stops.
 */
public final class LokiReceiverMain {

  private LokiReceiverMain() {}

  public static void main(String[] args) throws Exception {
    Vertx vertx = Vertx.vertx();
    try (LokiReceiver receiver = LokiReceiver.start(vertx, false)) {
      System.out.println("endpoint " + receiver.url());
      System.out.flush();
      while (System.in.read() >= 0) {
        // until the bench closes our input
      }
      System.out.println("entries " + receiver.entriesReceived() + " wire_bytes " + receiver.wireBytes());
      System.out.flush();
    } finally {
      vertx.close();
    }
  }
}

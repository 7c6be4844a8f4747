package dev.nodewatch.exporters.kafka;

import java.nio.file.Path;

/**
 * Runs the test broker as a process of its own for bench/forward.sh: prints {@code bootstrap <host:port>} once it
 * serves, and stops when its standard input closes.
 */
public final class KafkaBrokerMain {

  private KafkaBrokerMain() {}

  public static void main(String[] args) throws Exception {
    try (KafkaBroker broker = KafkaBroker.start(Path.of(args[0]))) {
      System.out.println("bootstrap " + broker.bootstrap());
      System.out.flush();
      while (System.in.read() >= 0) {
        // until the bench closes our input
      }
    }
  }
}

package dev.nodewatch.exporters.sink.kafka;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import java.nio.file.Path;

/**
 * Runs the test broker as a process of its own for bench/forward.sh: {@code KafkaBrokerMain DIR [TOPIC...]} creates
 * the topics (as production topics exist before the first record, so no measurement waits for auto-creation),
 * prints {@code bootstrap <host:port>} once it serves, and stops when its standard input closes.
 */
public final class KafkaBrokerMain {

  private KafkaBrokerMain() {}

  public static void main(String[] args) throws Exception {
    try (KafkaBroker broker = KafkaBroker.start(Path.of(args[0]))) {
      if (args.length > 1) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()))) {
          List<NewTopic> topics = Arrays.stream(args, 1, args.length).map(t -> new NewTopic(t, 1, (short) 1)).toList();
          admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        }
      }
      System.out.println("bootstrap " + broker.bootstrap());
      System.out.flush();
      while (System.in.read() >= 0) {
        // until the bench closes our input
      }
    }
  }
}

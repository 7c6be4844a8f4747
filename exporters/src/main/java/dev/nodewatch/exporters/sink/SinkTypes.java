package dev.nodewatch.exporters.sink;

import dev.nodewatch.exporters.forward.Sink;
import dev.nodewatch.exporters.forward.SinkConfig;
import dev.nodewatch.exporters.forward.SinkContext;
import dev.nodewatch.exporters.forward.SinkType;
import dev.nodewatch.exporters.sink.clickhouse.ClickHouseSink;
import dev.nodewatch.exporters.sink.file.FileSink;
import dev.nodewatch.exporters.sink.kafka.KafkaSink;
import dev.nodewatch.exporters.sink.loki.LokiSink;
import dev.nodewatch.exporters.sink.stdout.StdoutSink;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The sink types this build has, by the name {@code type:} gives them. A new sink is its folder and a line here. */
public final class SinkTypes {

  private final Map<String, SinkType<?>> byName = new TreeMap<>();

  public SinkTypes(List<SinkType<?>> types) {
    for (SinkType<?> type : types) {
      if (byName.put(type.name(), type) != null) {
        throw new IllegalArgumentException("two sink types named " + type.name());
      }
    }
  }

  public static SinkTypes builtIn() {
    return new SinkTypes(List.of(
        FileSink.TYPE,
        StdoutSink.TYPE,
        KafkaSink.TYPE,
        ClickHouseSink.TYPE,
        LokiSink.TYPE));
  }

  /** The type of this name; null when there is none. */
  public SinkType<?> find(String name) {
    return byName.get(name);
  }

  /** Every type's name, sorted (for "known: …" in errors). */
  public Set<String> names() {
    return byName.keySet();
  }

  /** Opens one sink of a configured entry. */
  public Sink open(SinkConfig config, SinkContext context) throws IOException {
    SinkType<?> type = byName.get(config.type());
    if (type == null) {
      throw new IllegalArgumentException("no sink type " + config.type());
    }
    return type.open(config.settings(), config.options(), context);
  }
}

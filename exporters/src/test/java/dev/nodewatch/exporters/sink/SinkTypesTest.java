package dev.nodewatch.exporters.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nodewatch.exporters.forward.SinkConfig;
import dev.nodewatch.exporters.forward.SinkContext;
import dev.nodewatch.exporters.forward.SinkSettings;
import dev.nodewatch.exporters.sink.file.FileOptions;
import dev.nodewatch.exporters.sink.file.FileSink;
import dev.nodewatch.exporters.sink.stdout.StdoutOptions;
import dev.nodewatch.exporters.sink.stdout.StdoutSink;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SinkTypesTest {

  @TempDir
  Path dir;

  @Test
  void everyBuiltInTypeIsThereByItsNameAndOpensItsOwnSink() throws Exception {
    SinkTypes types = SinkTypes.builtIn();
    assertThat(types.names()).containsExactly("clickhouse", "file", "kafka", "loki", "stdout");
    SinkContext context = new SinkContext(null, System.out, java.util.Map.of());
    try (var file = types.open(new SinkConfig("file", SinkSettings.named("f"),
        new FileOptions(dir.resolve("out.ndjson").toString())), context);
        var stdout = types.open(new SinkConfig("stdout", SinkSettings.named("s"), new StdoutOptions()), context)) {
      assertThat(file).isInstanceOf(FileSink.class);
      assertThat(stdout).isInstanceOf(StdoutSink.class);
    }
    assertThat(types.find("otlp")).isNull();
  }

  @Test
  void twoTypesOfOneNameAreRefused() {
    assertThatThrownBy(() -> new SinkTypes(List.of(FileSink.TYPE, FileSink.TYPE)))
        .hasMessageContaining("two sink types named file");
  }
}

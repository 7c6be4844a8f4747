package dev.nodewatch.exporters.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.metrics.MetricFamily;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FamilyTextWriterTest {

  private static String render(boolean openMetrics, MetricFamily... families) {
    BodyChunks out = new BodyChunks();
    FamilyTextWriter writer = new FamilyTextWriter(out, openMetrics);
    for (MetricFamily family : families) {
      writer.write(family);
    }
    writer.flush();
    Buffer all = Buffer.buffer();
    out.chunks().forEach(all::appendBuffer);
    return all.toString(StandardCharsets.UTF_8);
  }

  private static final MetricFamily COUNTER = MetricFamily.counter("requests_total", "Requests \\ served\nso far.",
      "path", "code").add(1048576, "/a\"b\\c\nd", "200").add(0.25, "/ü/😀", "500").build();
  private static final MetricFamily GAUGE = MetricFamily.gauge("temperature", "A \"quoted\" help.")
      .add(Double.NaN).build();

  @Test
  void text004EscapesLabelValuesAndHelpAndTypesCountersByTheirTotalName() {
    assertThat(render(false, COUNTER, GAUGE)).isEqualTo("""
        # HELP requests_total Requests \\\\ served\\nso far.
        # TYPE requests_total counter
        requests_total{path="/a\\"b\\\\c\\nd",code="200"} 1048576
        requests_total{path="/ü/😀",code="500"} 0.25
        # HELP temperature A "quoted" help.
        # TYPE temperature gauge
        temperature NaN
        """);
  }

  @Test
  void openMetricsNamesCountersWithoutTotalAndEscapesQuotesInHelp() {
    assertThat(render(true, COUNTER, GAUGE)).isEqualTo("""
        # TYPE requests counter
        # HELP requests Requests \\\\ served\\nso far.
        requests_total{path="/a\\"b\\\\c\\nd",code="200"} 1048576
        requests_total{path="/ü/😀",code="500"} 0.25
        # TYPE temperature gauge
        # HELP temperature A \\"quoted\\" help.
        temperature NaN
        """);
  }

  @Test
  void valuesKeepTheirMeaning() {
    MetricFamily values = MetricFamily.gauge("v", "h", "k").add(Double.POSITIVE_INFINITY, "a")
        .add(Double.NEGATIVE_INFINITY, "b").add(-42, "c").add(1.5e300, "d").add(1e16, "e")
        .add(0, "f").build();
    assertThat(render(false, values).lines().filter(l -> !l.startsWith("#")))
        .containsExactly("v{k=\"a\"} +Inf", "v{k=\"b\"} -Inf", "v{k=\"c\"} -42", "v{k=\"d\"} 1.5E300",
            "v{k=\"e\"} 1.0E16", "v{k=\"f\"} 0");
  }

  @Test
  void aCounterWithoutTotalGoesOutUntypedAndLongValuesSurviveTheStagingBuffer() {
    String long64k = "x".repeat(64 * 1024) + "\"";
    MetricFamily odd = MetricFamily.counter("odd_count", "h", "big").add(1, long64k).build();
    String text = render(false, odd);
    assertThat(text).contains("# TYPE odd_count untyped\n");
    assertThat(text).contains("odd_count{big=\"" + "x".repeat(64 * 1024) + "\\\"\"} 1\n");
    assertThat(render(true, odd)).contains("# TYPE odd_count unknown\n");
  }

  /**
   * One list of label values shared by many families, as a container's series share theirs: the block is remembered
   * from its second use, so its third and later uses must still name each family's own labels, and a block too long
   * for the stage must come out whole every time. Enough series to cross the stage many times.
   */
  @Test
  void sharedLabelValuesComeOutRightInEveryFamily() {
    java.util.List<String> shared = java.util.List.of("app", "/kubepods/pod1/" + "c".repeat(64), "a\"q\"");
    java.util.List<String> huge = java.util.List.of("x".repeat(40_000), "y", "z");
    java.util.List<MetricFamily> families = new java.util.ArrayList<>();
    StringBuilder expected = new StringBuilder();
    for (int f = 0; f < 300; f++) {
      String[] names = f % 3 == 2 ? new String[] {"k1", "k2", "k3"} : new String[] {"container", "id", "pod"};
      families.add(MetricFamily.gauge("m" + f, "h", names).add(f, shared).add(-f, huge).build());
      String block = "{" + names[0] + "=\"app\"," + names[1] + "=\"/kubepods/pod1/" + "c".repeat(64) + "\","
          + names[2] + "=\"a\\\"q\\\"\"}";
      String hugeBlock = "{" + names[0] + "=\"" + "x".repeat(40_000) + "\"," + names[1] + "=\"y\"," + names[2]
          + "=\"z\"}";
      expected.append("m").append(f).append(block).append(' ').append(f).append('\n');
      expected.append("m").append(f).append(hugeBlock).append(' ').append(-f).append('\n');
    }
    String text = render(false, families.toArray(MetricFamily[]::new));
    assertThat(String.join("\n", text.lines().filter(l -> !l.startsWith("#")).toList()) + "\n")
        .isEqualTo(expected.toString());
  }
}

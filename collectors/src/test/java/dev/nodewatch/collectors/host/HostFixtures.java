package dev.nodewatch.collectors.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.Sample;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Test helpers: fixture trees under {@code collectors/testdata/host/<case>/} and lookups in collected families. */
final class HostFixtures {

  private HostFixtures() {}

  static HostPaths paths(String fixture) {
    Path base = Path.of("testdata", "host", fixture).toAbsolutePath();
    return new HostPaths(base.resolve("proc"), base.resolve("sys"), base.resolve("root"));
  }

  static Map<String, MetricFamily> byName(List<MetricFamily> families) {
    return families.stream().collect(Collectors.toMap(MetricFamily::name, f -> f));
  }

  /** The value of the single sample of {@code name} whose labels equal {@code labels} (name=value pairs). */
  static double value(List<MetricFamily> families, String name, String... labels) {
    MetricFamily family = byName(families).get(name);
    assertThat(family).as("family " + name).isNotNull();
    for (Sample s : family.samples()) {
      boolean match = true;
      for (int i = 0; i < labels.length; i += 2) {
        int idx = family.labelNames().indexOf(labels[i]);
        if (idx < 0 || !s.labelValues().get(idx).equals(labels[i + 1])) {
          match = false;
          break;
        }
      }
      if (match) {
        return s.value();
      }
    }
    throw new AssertionError("no sample of " + name + " with " + List.of(labels) + " in " + family.samples());
  }
}

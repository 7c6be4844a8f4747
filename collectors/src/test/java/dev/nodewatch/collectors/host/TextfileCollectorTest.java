package dev.nodewatch.collectors.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextfileCollectorTest {

  @TempDir
  Path dir;

  @Test
  void promFilesAreExposedWithTheirTypesHelpAndModificationTime() throws Exception {
    Files.writeString(dir.resolve("backup.prom"), """
        # HELP backup_last_success_seconds When the backup last succeeded.
        # TYPE backup_last_success_seconds gauge
        backup_last_success_seconds{job="db",host="a b \\\\ \\"c\\""} 1.7e9
        # a comment
        backup_runs_total 42
        """);
    Files.writeString(dir.resolve("ignored.txt"), "not_read 1\n");
    List<MetricFamily> families = new TextfileCollector(dir.toString()).collect();
    MetricFamily backup = HostFixtures.byName(families).get("backup_last_success_seconds");
    assertThat(backup.type()).isEqualTo(MetricType.GAUGE);
    assertThat(backup.help()).isEqualTo("When the backup last succeeded.");
    assertThat(backup.labelNames()).containsExactly("host", "job");
    assertThat(backup.samples().get(0).labelValues()).containsExactly("a b \\ \"c\"", "db");
    assertThat(HostFixtures.byName(families).get("backup_runs_total").type()).isEqualTo(MetricType.UNTYPED);
    assertThat(HostFixtures.value(families, "node_textfile_mtime_seconds", "file",
        dir.resolve("backup.prom").toString())).isPositive();
    assertThat(HostFixtures.value(families, "node_textfile_scrape_error")).isZero();
    assertThat(HostFixtures.byName(families)).doesNotContainKey("not_read");
  }

  @Test
  void aMalformedFileIsLeftOutAndFlaggedWhileTheOthersAreExposed() throws Exception {
    Files.writeString(dir.resolve("good.prom"), "good_metric 1\n");
    Files.writeString(dir.resolve("bad.prom"), "half_written_metric{a=\"x\" 1\n");
    Files.writeString(dir.resolve("stamped.prom"), "stamped_metric 1 1700000000000\n");
    List<MetricFamily> families = new TextfileCollector(dir.toString()).collect();
    assertThat(HostFixtures.value(families, "good_metric")).isEqualTo(1);
    assertThat(HostFixtures.byName(families)).doesNotContainKeys("half_written_metric", "stamped_metric");
    assertThat(HostFixtures.value(families, "node_textfile_scrape_error")).isEqualTo(1);
    assertThat(HostFixtures.byName(families).get("node_textfile_mtime_seconds").samples()).hasSize(1);
  }

  @Test
  void samplesOfOneMetricAcrossFilesAreMergedWithMissingLabelsEmpty() throws Exception {
    Files.writeString(dir.resolve("a.prom"), "job_status{job=\"a\"} 1\n");
    Files.writeString(dir.resolve("b.prom"), "job_status{job=\"b\",stage=\"load\"} 0\n");
    List<MetricFamily> families = new TextfileCollector(dir.toString()).collect();
    MetricFamily status = HostFixtures.byName(families).get("job_status");
    assertThat(status.labelNames()).containsExactly("job", "stage");
    assertThat(status.samples()).extracting(s -> s.labelValues())
        .containsExactly(List.of("a", ""), List.of("b", "load"));
  }

  @Test
  void withoutADirectoryOnlyTheErrorGaugeIsExposed() throws Exception {
    List<MetricFamily> families = new TextfileCollector("").collect();
    assertThat(families).extracting(MetricFamily::name).containsExactly("node_textfile_scrape_error");
    assertThat(HostFixtures.value(families, "node_textfile_scrape_error")).isZero();
  }

  @Test
  void aMissingDirectoryIsAnErrorNotACrash() throws Exception {
    List<MetricFamily> families = new TextfileCollector(dir.resolve("absent").toString()).collect();
    assertThat(HostFixtures.value(families, "node_textfile_scrape_error")).isEqualTo(1);
  }
}

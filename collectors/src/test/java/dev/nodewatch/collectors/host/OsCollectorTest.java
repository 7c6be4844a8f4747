package dev.nodewatch.collectors.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.collectors.metrics.MetricFamily;
import dev.nodewatch.collectors.metrics.MetricType;
import dev.nodewatch.collectors.metrics.Sample;
import dev.nodewatch.collectors.metrics.SkippedLines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OsCollectorTest {

  private static final List<String> INFO_LABELS = List.of("build_id", "id", "id_like", "image_id", "image_version",
      "name", "pretty_name", "variant", "variant_id", "version", "version_codename", "version_id");

  private final SkippedLines skipped = new SkippedLines();

  @TempDir
  Path tmp;

  @Test
  void exposesOsReleaseFieldsAndTheMajorMinorVersionLikeNodeExporter() throws Exception {
    List<MetricFamily> families = new OsCollector(HostFixtures.paths("basic"), skipped).collect();

    // node_exporter 1.5 on the same file:
    // node_os_info{build_id="",id="debian",id_like="",image_id="",image_version="",name="Debian GNU/Linux",
    //   pretty_name="Debian GNU/Linux 12 (bookworm)",variant="",variant_id="",version="12 (bookworm)",
    //   version_codename="bookworm",version_id="12"} 1
    // node_os_version{id="debian",id_like="",name="Debian GNU/Linux"} 12
    assertThat(families).extracting(MetricFamily::name).containsExactly("node_os_info", "node_os_version");
    assertThat(families).extracting(MetricFamily::type).containsOnly(MetricType.GAUGE);
    assertThat(families.get(0).labelNames()).isEqualTo(INFO_LABELS);
    assertThat(families.get(0).samples()).containsExactly(new Sample(List.of("", "debian", "", "", "",
        "Debian GNU/Linux", "Debian GNU/Linux 12 (bookworm)", "", "", "12 (bookworm)", "bookworm", "12"), 1));
    assertThat(families.get(1).labelNames()).containsExactly("id", "id_like", "name");
    assertThat(families.get(1).samples())
        .containsExactly(new Sample(List.of("debian", "", "Debian GNU/Linux"), 12));
    assertThat(skipped.count("os")).isZero();
  }

  @Test
  void withoutEtcOsReleaseUsrLibIsReadAndWithoutAVersionIdThereIsNoVersion() throws Exception {
    List<MetricFamily> families = new OsCollector(HostFixtures.paths("old-kernel"), skipped).collect();

    assertThat(families).extracting(MetricFamily::name).containsExactly("node_os_info");
    Map<String, String> info = info(families);
    assertThat(info).containsEntry("id", "arch").containsEntry("build_id", "rolling")
        .containsEntry("name", "Arch Linux").containsEntry("version_id", "");
  }

  @Test
  void quotingCommentsAndExportFollowTheSyntaxNodeExporterAccepts() throws Exception {
    // Each expected value is what node_exporter 1.5 gave for this file.
    writeOsRelease("etc/os-release", String.join("\n",
        "NAME=\"Garbage OS\"",
        "ID=garbage",
        "VERSION_ID=\"3.18.4\"",
        "# a comment",
        "   # indented comment",
        "ID_LIKE='alpine linux'",
        "export VARIANT=server   # trailing comment",
        "VERSION=\"3.18 \\\"edge\\\"\"",
        "PRETTY_NAME=Two  words  here",
        "BUILD_ID = \"a\"b'c'",
        "IMAGE_ID=\"x#y\"",
        "",
        "IMAGE_VERSION=",
        ""));

    List<MetricFamily> families = new OsCollector(tmpPaths(), skipped).collect();

    Map<String, String> info = info(families);
    assertThat(info).containsEntry("build_id", "abc").containsEntry("id", "garbage")
        .containsEntry("id_like", "alpine linux").containsEntry("image_id", "x#y").containsEntry("image_version", "")
        .containsEntry("name", "Garbage OS").containsEntry("pretty_name", "Two  words  here")
        .containsEntry("variant", "server").containsEntry("version", "3.18 \"edge\"")
        .containsEntry("version_id", "3.18.4");
    assertThat(HostFixtures.value(families, "node_os_version")).isEqualTo(3.18);
    assertThat(skipped.count("os")).isZero();
  }

  @Test
  void malformedLinesAreSkippedAndCountedAndTheOtherFieldsKept() throws Exception {
    List<MetricFamily> families = new OsCollector(HostFixtures.paths("garbage"), skipped).collect();

    // No "=", an unterminated quote, and a key starting with a digit.
    Map<String, String> info = info(families);
    assertThat(info).containsEntry("name", "Garbage OS").containsEntry("id", "garbage")
        .containsEntry("pretty_name", "").containsEntry("id_like", "alpine linux")
        .containsEntry("variant", "server").containsEntry("version", "3.18 \"edge\"");
    assertThat(families.get(1).samples())
        .containsExactly(new Sample(List.of("garbage", "alpine linux", "Garbage OS"), 3.18));
    assertThat(skipped.count("os")).isEqualTo(3);
  }

  @Test
  void theFileIsParsedAgainOnlyWhenItChanges() throws Exception {
    Path file = writeOsRelease("etc/os-release", "ID=one\nVERSION_ID=1\n");
    OsCollector collector = new OsCollector(tmpPaths(), skipped);
    List<MetricFamily> first = collector.collect();

    assertThat(collector.collect()).isSameAs(first);

    Files.writeString(file, "ID=two\nVERSION_ID=2.5\n");
    Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 1000));
    List<MetricFamily> changed = collector.collect();
    assertThat(info(changed)).containsEntry("id", "two");
    assertThat(HostFixtures.value(changed, "node_os_version")).isEqualTo(2.5);
  }

  @Test
  void anAbsoluteSymlinkIsFollowedInsideTheRootfs() throws Exception {
    writeOsRelease("usr/lib/os-release", "ID=host\n");
    Files.createDirectories(tmp.resolve("root/etc"));
    // Followed in this process's own filesystem, the link would reach the agent image's os-release.
    Path link = Files.createSymbolicLink(tmp.resolve("root/etc/os-release"), Path.of("/usr/lib/os-release"));

    assertThat(info(new OsCollector(tmpPaths(), skipped).collect())).containsEntry("id", "host");
    Files.delete(link); // the temp dir cleanup warns about links leading out of it
  }

  @Test
  void versionIdsThatDoNotStartWithANumberOrAreZeroGiveNoVersion() throws Exception {
    writeOsRelease("etc/os-release", "ID=x\nVERSION_ID=0\n");
    assertThat(new OsCollector(tmpPaths(), skipped).collect()).extracting(MetricFamily::name)
        .containsExactly("node_os_info");

    writeOsRelease("etc/os-release", "ID=x\nVERSION_ID=v2\n");
    assertThat(new OsCollector(tmpPaths(), skipped).collect()).extracting(MetricFamily::name)
        .containsExactly("node_os_info");

    writeOsRelease("etc/os-release", "ID=x\nVERSION_ID=22.04.3 LTS\n");
    assertThat(HostFixtures.value(new OsCollector(tmpPaths(), skipped).collect(), "node_os_version"))
        .isEqualTo(22.04);
  }

  @Test
  void aRootWithoutOsReleaseGivesNothing() throws Exception {
    assertThat(new OsCollector(HostFixtures.paths("empty"), skipped).collect()).isEmpty();
  }

  private HostPaths tmpPaths() {
    return new HostPaths(tmp.resolve("proc"), tmp.resolve("sys"), tmp.resolve("root"));
  }

  private Path writeOsRelease(String relative, String content) throws Exception {
    Path file = tmp.resolve("root").resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    return file;
  }

  private static Map<String, String> info(List<MetricFamily> families) {
    MetricFamily info = HostFixtures.byName(families).get("node_os_info");
    assertThat(info.samples()).hasSize(1);
    Map<String, String> labels = new HashMap<>();
    for (int i = 0; i < info.labelNames().size(); i++) {
      labels.put(info.labelNames().get(i), info.samples().get(0).labelValues().get(i));
    }
    return labels;
  }
}

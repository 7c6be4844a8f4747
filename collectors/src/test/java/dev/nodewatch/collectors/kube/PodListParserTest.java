package dev.nodewatch.collectors.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodListParserTest {

  private final PodListParser parser = new PodListParser();

  private List<PodMetadata> recorded() throws IOException {
    return parser.parse(Files.readAllBytes(Path.of("testdata", "kube", "pods.json")));
  }

  @Test
  void podsWithoutAUidAreSkipped() throws Exception {
    assertThat(recorded()).extracting(PodMetadata::name).containsExactly("web-7d9f8b6c5d-x2x4z", "etcd-node-1");
  }

  @Test
  void labelsAnnotationsAndSpecImagesAreKept() throws Exception {
    PodMetadata web = recorded().get(0);
    assertThat(web.namespace()).isEqualTo("shop");
    assertThat(web.uid()).isEqualTo("4c1d0c2e-9b7a-4f3e-8e2a-0d5f1b2c3a4d");
    assertThat(web.labels()).containsEntry("app.kubernetes.io/name", "web").hasSize(2);
    assertThat(web.annotations()).containsEntry("prometheus.io/scrape", "true");
    assertThat(web.container("nginx")).hasValueSatisfying(c -> assertThat(c.image()).isEqualTo("nginx:1.27.2"));
    assertThat(web.container("migrate")).isPresent();
  }

  @Test
  void containerIdsLoseTheirRuntimeSchemeAndAreEmptyBeforeCreation() throws Exception {
    List<PodMetadata> pods = recorded();
    assertThat(pods.get(0).container("nginx").orElseThrow().containerId())
        .isEqualTo("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    assertThat(pods.get(0).container("log-shipper").orElseThrow().containerId()).isEmpty();
    assertThat(pods.get(1).container("etcd").orElseThrow().containerId()).startsWith("fedcba98").hasSize(64);
    assertThat(pods.get(1).hostNetwork()).as("a static pod on the node's network").isTrue();
    assertThat(pods.get(0).hostNetwork()).isFalse();
  }

  @Test
  void aDocumentThatIsNotAPodListIsAnError() {
    assertThatThrownBy(() -> parser.parse("{\"kind\":\"Status\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> parser.parse("not json".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class);
  }
}

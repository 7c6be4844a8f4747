package dev.nodewatch.exporters.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.net.ProxyOptions;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProxyChoiceTest {

  @ParameterizedTest
  @CsvSource({
      "https://loki.example.com:3100, '*', true",
      "https://loki.example.com:3100, example.com, true",
      "https://loki.example.com:3100, .example.com, true",
      "https://loki.example.com:3100, *.example.com, true",
      "https://example.com, example.com, true",
      "https://notexample.com, example.com, false",
      "https://loki.example.com:3100, 'other.org, example.com', true",
      "https://loki.example.com:3100, example.com:3100, true",
      "https://loki.example.com:3100, example.com:443, false",
      "https://10.0.0.7:8443, 10.0.0.7, true",
      "https://10.0.0.70:8443, 10.0.0.7, false",
      "http://[::1]:8123, ::1, true",
      "http://[::1]:8123, '', false"})
  void noProxyMatchesHostsAndTheirSubdomains(String endpoint, String noProxy, boolean bypassed) {
    assertThat(ProxyChoice.bypassed(URI.create(endpoint), noProxy)).isEqualTo(bypassed);
  }

  @Test
  void httpsEndpointsUseHttpsProxyAndPlainOnesHttpProxy() {
    Map<String, String> env = Map.of("HTTPS_PROXY", "http://secure-proxy:3128", "http_proxy", "plain-proxy:8080");
    ProxyOptions secure = ProxyChoice.forEndpoint(URI.create("https://es:9200"), env);
    assertThat(secure.getHost()).isEqualTo("secure-proxy");
    assertThat(secure.getPort()).isEqualTo(3128);
    ProxyOptions plain = ProxyChoice.forEndpoint(URI.create("http://ch:8123"), env);
    assertThat(plain.getHost()).isEqualTo("plain-proxy");
    assertThat(plain.getPort()).isEqualTo(8080);
    assertThat(ProxyChoice.forEndpoint(URI.create("http://ch:8123"), Map.of())).isNull();
  }

  @Test
  void proxyCredentialsAreUsedButNeverDescribed() {
    ProxyOptions proxy = ProxyChoice.forEndpoint(URI.create("https://es:9200"),
        Map.of("HTTPS_PROXY", "http://agent:pr0xy-pass@proxy:3128"));
    assertThat(proxy.getUsername()).isEqualTo("agent");
    assertThat(proxy.getPassword()).isEqualTo("pr0xy-pass");
    assertThat(ProxyChoice.describe(proxy)).isEqualTo("through proxy proxy:3128").doesNotContain("pr0xy");
  }
}

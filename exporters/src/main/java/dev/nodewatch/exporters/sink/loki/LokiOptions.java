package dev.nodewatch.exporters.sink.loki;

import dev.nodewatch.collectors.config.ByteSize;
import dev.nodewatch.collectors.config.ConfigProblems;
import dev.nodewatch.exporters.forward.SinkOptions;
import dev.nodewatch.exporters.forward.SinkSettings;
import dev.nodewatch.exporters.forward.TopicTemplate;
import dev.nodewatch.exporters.http.AuthOptions;
import dev.nodewatch.exporters.http.HttpEndpoint;
import dev.nodewatch.exporters.http.TlsOptions;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code type: loki}: {@code POST /loki/api/v1/push}.
 *
 * @param endpoint {@code http://loki:3100} (the push path is added) or the full push URL of a gateway
 * @param encoding {@code protobuf} (default: {@code PushRequest}, snappy) or {@code json} (gzip)
 * @param labels the stream labels: record fields ({@link LokiStreams#FIELDS}) and {@code pod_label:<name>}; what
 *     is not a label goes as structured metadata
 * @param tenantId {@code X-Scope-OrgID}: fixed, or a template such as {@code {namespace}}; none when absent
 * @param maxLineBytes a longer line is cut to this (at a character boundary) and flagged {@code truncated}
 * @param auth basic ({@code username}, {@code password_file}) or bearer ({@code bearer_token_file})
 */
public record LokiOptions(String endpoint, String encoding, List<String> labels, String tenantId,
    ByteSize maxLineBytes, AuthOptions auth, TlsOptions tls, Map<String, String> headers, Duration timeout)
    implements SinkOptions {

  /** Loki's own default of {@code max_line_size}. */
  static final ByteSize DEFAULT_MAX_LINE = ByteSize.of(256 * 1024);
  static final List<String> DEFAULT_LABELS = List.of("namespace", "pod", "container", "node", "pod_label:app");
  static final String PUSH_PATH = "/loki/api/v1/push";

  public LokiOptions {
    encoding = encoding == null ? "protobuf" : encoding;
    labels = labels == null ? DEFAULT_LABELS : List.copyOf(labels);
    maxLineBytes = maxLineBytes == null ? DEFAULT_MAX_LINE : maxLineBytes;
    auth = auth == null ? AuthOptions.NONE : auth;
    timeout = timeout == null ? Duration.ofSeconds(30) : timeout;
  }

  boolean json() {
    return encoding.equals("json");
  }

  /** Where pushes go: the endpoint as given when it has a path, else with Loki's push path. */
  HttpEndpoint httpEndpoint() {
    URI url = URI.create(endpoint.strip());
    String path = url.getRawPath();
    if (path == null || path.isEmpty() || path.equals("/")) {
      url = url.resolve(PUSH_PATH);
    }
    return new HttpEndpoint(url, tls == null ? new TlsOptions(null, null, null, null) : tls, auth, headers, timeout);
  }

  @Override
  public void validate(String at, SinkSettings settings, ConfigProblems problems) {
    HttpEndpoint.parseUrl(ConfigProblems.path(at, "endpoint"), endpoint, problems);
    if (!encoding.equals("protobuf") && !encoding.equals("json")) {
      problems.add(ConfigProblems.path(at, "encoding"), "must be protobuf or json, was \"" + encoding + "\"");
    }
    if (labels.isEmpty()) {
      problems.add(ConfigProblems.path(at, "labels"), "must name at least one label: Loki refuses a stream without");
    }
    for (int i = 0; i < labels.size(); i++) {
      String problem = LokiStreams.labelProblem(labels.get(i));
      if (problem != null) {
        problems.add(ConfigProblems.path(at, "labels[" + i + "]"), problem);
      }
    }
    if (tenantId != null) {
      String problem = TopicTemplate.problem(tenantId);
      if (problem != null) {
        problems.add(ConfigProblems.path(at, "tenant_id"), problem);
      }
    }
    if (maxLineBytes.bytes() < 1 || maxLineBytes.bytes() > Integer.MAX_VALUE) {
      problems.add(ConfigProblems.path(at, "max_line_bytes"), "must be between 1 byte and 2 GiB");
    }
    HttpEndpoint.validate(at, tls, auth, headers, timeout, problems);
  }
}

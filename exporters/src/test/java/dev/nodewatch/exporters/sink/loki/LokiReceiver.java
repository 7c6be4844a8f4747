package dev.nodewatch.exporters.sink.loki;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nodewatch.exporters.sink.loki.proto.EntryAdapter;
import dev.nodewatch.exporters.sink.loki.proto.LabelPairAdapter;
import dev.nodewatch.exporters.sink.loki.proto.PushRequest;
import dev.nodewatch.exporters.sink.loki.proto.StreamAdapter;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.xerial.snappy.Snappy;

/**
 * A Loki push endpoint for the tests, since no Loki can be installed on the test machines: it decodes every push
 * with the same generated {@code PushRequest} classes the sink uses (or, for JSON, as Loki reads that form), keeps
 * each push as it came, and stores entries as Loki does: an entry identical to one the stream holds (same tenant,
 * labels, time and line) is dropped. Like Loki it answers 204, takes the good entries of a push that has bad ones
 * and refuses the push with 400 and Loki's message, and refuses a stream without labels.
 */
final class LokiReceiver implements AutoCloseable {

  /** One entry of a push, decoded. */
  record Entry(String tenant, Map<String, String> labels, long timestampNanos, String line,
      Map<String, String> metadata) {}

  /** One push as it came: its headers of note and its entries in the order they were sent. */
  record Push(String tenant, String contentType, String contentEncoding, String authorization, List<Entry> entries) {}

  private final HttpServer server;
  /** Whether pushes and entries are kept (tests), or only counted (bench/forward.sh). */
  private final boolean keep;
  private final java.util.concurrent.atomic.AtomicLong entriesReceived = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong wireBytes = new java.util.concurrent.atomic.AtomicLong();
  private final List<Push> pushes = new CopyOnWriteArrayList<>();
  private final Set<Entry> stored = new LinkedHashSet<>();
  private volatile String refusedLine;
  private volatile String requiredAuthorization;

  private LokiReceiver(HttpServer server, boolean keep) {
    this.server = server;
    this.keep = keep;
  }

  static LokiReceiver start(Vertx vertx) throws Exception {
    return start(vertx, true);
  }

  /** @param keep whether to keep what arrives, or only decode and count it */
  static LokiReceiver start(Vertx vertx, boolean keep) throws Exception {
    LokiReceiver[] self = new LokiReceiver[1];
    HttpServer server = vertx.createHttpServer().requestHandler(request -> request.body()
        .onSuccess(body -> self[0].handle(request, body)));
    self[0] = new LokiReceiver(server, keep);
    server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return self[0];
  }

  /** Entries decoded so far, kept or not. */
  long entriesReceived() {
    return entriesReceived.get();
  }

  /** Bytes of push bodies as they came over the wire (compressed). */
  long wireBytes() {
    return wireBytes.get();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.actualPort());
  }

  /** From now on, an entry with this line is refused as too long, as Loki refuses one over its max_line_size. */
  void refuse(String line) {
    refusedLine = line;
  }

  /** From now on, only pushes with this basic-auth user and password are taken. */
  void requireBasicAuth(String user, String password) {
    requiredAuthorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
        .getBytes(StandardCharsets.UTF_8));
  }

  /** Forgets every push and entry, and refuses no line. */
  synchronized void clear() {
    pushes.clear();
    stored.clear();
    refusedLine = null;
  }

  /** Every push that carried entries, as it came. */
  List<Push> pushes() {
    return List.copyOf(pushes);
  }

  /** What Loki would hold, each entry once. */
  synchronized List<Entry> stored() {
    return List.copyOf(stored);
  }

  private void handle(HttpServerRequest request, Buffer body) {
    if (!request.path().equals("/loki/api/v1/push")) {
      request.response().setStatusCode(404).end("404 page not found");
      return;
    }
    String required = requiredAuthorization;
    if (required != null && !required.equals(request.getHeader("Authorization"))) {
      request.response().setStatusCode(401).end("invalid credentials");
      return;
    }
    String tenant = request.getHeader("X-Scope-OrgID");
    List<Entry> entries;
    try {
      entries = decode(tenant, request.getHeader("Content-Type"), request.getHeader("Content-Encoding"),
          body.getBytes());
    } catch (IOException | RuntimeException e) {
      request.response().setStatusCode(400).end("cannot parse push: " + e.getMessage());
      return;
    }
    entriesReceived.addAndGet(entries.size());
    wireBytes.addAndGet(body.length());
    if (entries.isEmpty() || !keep) {
      request.response().setStatusCode(204).end(); // a health check, or the bench: answered, not kept
      return;
    }
    pushes.add(new Push(tenant, request.getHeader("Content-Type"), request.getHeader("Content-Encoding"),
        request.getHeader("Authorization"), entries));
    List<String> errors = new ArrayList<>();
    synchronized (this) {
      for (Entry entry : entries) {
        if (entry.labels().isEmpty()) {
          errors.add("error at least one label pair is required per stream");
        } else if (entry.line().equals(refusedLine)) {
          errors.add("Max entry size '262144' bytes exceeded for stream '" + entry.labels() + "' while adding an "
              + "entry with length '" + entry.line().length() + "' bytes");
        } else {
          stored.add(entry);
        }
      }
    }
    if (errors.isEmpty()) {
      request.response().setStatusCode(204).end();
    } else {
      request.response().setStatusCode(400).end(errors.size() + " errors like: " + errors.get(0));
    }
  }

  static List<Entry> decode(String tenant, String contentType, String encoding, byte[] raw)
      throws IOException {
    List<Entry> entries = new ArrayList<>();
    if ("application/x-protobuf".equals(contentType)) {
      // Loki reads a protobuf push as snappy's block format whatever Content-Encoding says
      PushRequest push = PushRequest.parseFrom(Snappy.uncompress(raw));
      for (StreamAdapter stream : push.getStreamsList()) {
        Map<String, String> labels = parseLabels(stream.getLabels());
        for (EntryAdapter entry : stream.getEntriesList()) {
          Map<String, String> metadata = new LinkedHashMap<>();
          for (LabelPairAdapter pair : entry.getStructuredMetadataList()) {
            metadata.put(pair.getName(), pair.getValue());
          }
          entries.add(new Entry(tenant, labels, entry.getTimestamp().getSeconds() * 1_000_000_000L
              + entry.getTimestamp().getNanos(), entry.getLine(), metadata));
        }
      }
      return entries;
    }
    if (!"application/json".equals(contentType)) {
      throw new IOException("unsupported Content-Type " + contentType);
    }
    byte[] plain = "gzip".equals(encoding) ? new GZIPInputStream(new ByteArrayInputStream(raw)).readAllBytes() : raw;
    JsonNode push = new ObjectMapper().readTree(plain);
    for (JsonNode stream : push.path("streams")) {
      Map<String, String> labels = new LinkedHashMap<>();
      stream.path("stream").fields().forEachRemaining(label -> labels.put(label.getKey(), label.getValue().asText()));
      for (JsonNode value : stream.path("values")) {
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = value.path(2).fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> pair = it.next();
          metadata.put(pair.getKey(), pair.getValue().asText());
        }
        entries.add(new Entry(tenant, labels, Long.parseLong(value.path(0).asText()), value.path(1).asText(),
            metadata));
      }
    }
    return entries;
  }

  /** {@code {a="x", b="y \"quoted\""}} as Loki's label parser reads it. */
  static Map<String, String> parseLabels(String text) throws IOException {
    Map<String, String> labels = new LinkedHashMap<>();
    if (!text.startsWith("{") || !text.endsWith("}")) {
      throw new IOException("labels not in braces: " + text);
    }
    int i = 1;
    int end = text.length() - 1;
    while (i < end) {
      int eq = text.indexOf("=\"", i);
      if (eq < 0) {
        throw new IOException("no =\" after position " + i + " in " + text);
      }
      String name = text.substring(i, eq).strip();
      if (!name.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
        throw new IOException("invalid label name \"" + name + "\"");
      }
      StringBuilder value = new StringBuilder();
      int j = eq + 2;
      while (text.charAt(j) != '"') {
        char c = text.charAt(j++);
        if (c == '\\') {
          char escaped = text.charAt(j++);
          value.append(escaped == 'n' ? '\n' : escaped);
        } else {
          value.append(c);
        }
      }
      labels.put(name, value.toString());
      i = j + 1;
      while (i < end && (text.charAt(i) == ',' || text.charAt(i) == ' ')) {
        i++;
      }
    }
    return labels;
  }

  @Override
  public void close() throws Exception {
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}

package dev.nodewatch.exporters.sink.clickhouse;

import dev.nodewatch.exporters.forward.SinkType;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.nodewatch.collectors.queue.LogRecord;
import dev.nodewatch.collectors.queue.LogSource;
import dev.nodewatch.exporters.forward.RecordJson;
import dev.nodewatch.exporters.forward.Sink;
import dev.nodewatch.exporters.forward.SinkBatch;
import dev.nodewatch.exporters.forward.SinkException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Inserts records into a ClickHouse table over its HTTP interface, one {@code INSERT … FORMAT JSONEachRow} request
 * per batch, gzip-compressed. Where the server knows {@code insert_deduplication_token} (22.2 and later), each
 * request carries one made of the sink's name, the queue's random identity and the batch's queue indexes, so a
 * batch sent again after a lost answer or a crash is not inserted twice, and batches of two nodes never share one; older servers have no way to deduplicate a plain MergeTree insert, and get duplicates then.
 *
 * <p>The columns work on ClickHouse 18.16 (Debian's package) and on current releases alike: {@code DateTime} for
 * the second (18.16 has no {@code DateTime64}), the exact time in {@code timestamp_ns}, labels as a JSON object in
 * a {@code String} (18.16 has no {@code Map}). See {@link ClickHouseTable}.
 */
public final class ClickHouseSink implements Sink {

  /** {@code type: clickhouse}. */
  public static final SinkType<ClickHouseOptions> TYPE = new SinkType<>("clickhouse", ClickHouseOptions.class,
      (settings, options, context) -> new ClickHouseSink(context.vertx(), settings.name(), options));


  private static final SerializedString TIMESTAMP_NS = new SerializedString("timestamp_ns");
  private static final SerializedString TRUNCATED = new SerializedString("truncated");
  private static final SerializedString MALFORMED = new SerializedString("malformed");

  private final String name;
  private final ClickHouseOptions config;
  private final HttpClient client;
  private final String base;
  private final ClickHouseTable table;
  private final String insertQuery;
  private final String insertParameters;
  private final JsonFactory json = new JsonFactory();
  private final ByteArrayOutputStream body = new ByteArrayOutputStream(1 << 20);
  private LogSource lastSource;
  private String lastNode;
  private SerializedString lastColumns;
  /** Whether the table was seen to have the columns a row needs (checked before the first insert). */
  private volatile boolean columnsChecked;
  /** Whether the server takes a deduplication token; null until asked. */
  private volatile Boolean deduplicates;

  /** @param name the sink's name, in the deduplication token of each insert */
  public ClickHouseSink(Vertx vertx, String name, ClickHouseOptions config) {
    this.name = name;
    this.config = config;
    HttpClientOptions options = new HttpClientOptions().setVerifyHost(true).setKeepAlive(true)
        .setConnectTimeout((int) Math.min(config.timeout().toMillis(), 10_000));
    if (config.endpoint().startsWith("https:")) {
      options.setSsl(true);
      if (config.caFile() != null) {
        options.setTrustOptions(new PemTrustOptions().addCertPath(config.caFile()));
      }
    }
    this.client = vertx.createHttpClient(options);
    this.base = config.endpoint().replaceAll("/+$", "") + "/";
    this.table = new ClickHouseTable(config.database(), config.table());
    this.insertQuery = "INSERT INTO " + table.qualifiedName() + " FORMAT JSONEachRow";
    // a field the table has no column for is left out, not an error for the whole batch: a table made with fewer
    // columns, or a newer agent writing a field an older table lacks, still takes the rest
    this.insertParameters = "?input_format_skip_unknown_fields=1&query=" + encode(insertQuery);
  }

  @Override
  public List<Rejection> send(SinkBatch batch) throws SinkException {
    if (deduplicates == null) {
      deduplicates = settingExists("insert_deduplication_token");
    }
    if (!columnsChecked) {
      checkColumns();
    }
    String uri = base + insertParameters
        + (deduplicates ? "&insert_deduplication_token=" + encode(name + "-" + batch.id()) : "");
    Reply reply = request(uri, encode(batch.records()), config.compression().equals("gzip"));
    if (reply.status() == 200) {
      return List.of();
    }
    if (reply.code() == ClickHouseErrors.UNKNOWN_TABLE && config.createTable()) {
      table.create(this::query);
    }
    throw ClickHouseErrors.classify(reply.status(), reply.code(), reply.retryAfter(), reply.text());
  }

  /** The server answers this user, and the table exists (made here when missing and {@code create_table}). */
  @Override
  public String check() throws SinkException {
    String version = query("SELECT version()").strip();
    deduplicates = settingExists("insert_deduplication_token");
    boolean exists = query("EXISTS TABLE " + table.qualifiedName()).strip().equals("1");
    if (!exists) {
      if (!config.createTable()) {
        throw SinkException.retryable("not_found", "table " + table.qualifiedName()
            + " does not exist (create_table is false)", null);
      }
      table.create(this::query);
    }
    List<String> leftOut = checkColumns();
    return "ClickHouse " + version + ", table " + table.qualifiedName() + (exists ? " exists" : " created")
        + (deduplicates ? ", retried batches deduplicated" : ", no insert deduplication on this version")
        + (leftOut.isEmpty() ? "" : ", columns it lacks left out: " + String.join(", ", leftOut));
  }

  /**
   * Inserts skip the fields the table has no column for, so a table made with fewer columns still works; but one
   * without a timestamp or a message would take every row and lose what matters. Such a table is an error that
   * holds the records in the queue (retried, the sink unhealthy) until it is fixed.
   *
   * @return the columns the sink writes that the table lacks
   */
  private List<String> checkColumns() throws SinkException {
    java.util.Set<String> present = new java.util.HashSet<>(query(table.columnsQuery()).lines().map(String::strip)
        .filter(line -> !line.isEmpty()).toList());
    if (present.isEmpty()) {
      return List.of(); // no table yet: the insert's error creates it, and the next send checks again
    }
    List<String> missing = ClickHouseTable.REQUIRED.stream().filter(c -> !present.contains(c)).toList();
    if (!missing.isEmpty()) {
      throw SinkException.retryable("misconfigured", "table " + table.qualifiedName() + " has no column "
          + String.join(", ", missing) + ": rows would arrive without it; the records wait in the queue", null);
    }
    columnsChecked = true;
    return ClickHouseTable.COLUMNS.stream().filter(c -> !present.contains(c)).toList();
  }

  private boolean settingExists(String setting) throws SinkException {
    return !query("SELECT name FROM system.settings WHERE name = '" + setting + "'").isBlank();
  }

  /** Runs a statement; its text answer, or the classified error. */
  String query(String sql) throws SinkException {
    Reply reply = request(base, sql.getBytes(StandardCharsets.UTF_8), false);
    if (reply.status() != 200) {
      throw ClickHouseErrors.classify(reply.status(), reply.code(), reply.retryAfter(), reply.text());
    }
    return reply.text();
  }

  private byte[] encode(List<LogRecord> records) throws SinkException {
    body.reset();
    try (OutputStream out = config.compression().equals("gzip") ? new FastGzip(body) : body;
        JsonGenerator row = json.createGenerator(out)) {
      row.setRootValueSeparator(null);
      for (LogRecord record : records) {
        writeRow(record, row);
        row.writeRaw('\n');
      }
    } catch (IOException e) {
      throw SinkException.retryable("encode", "cannot encode the batch: " + e.getMessage(), e);
    }
    return body.toByteArray();
  }

  private void writeRow(LogRecord record, JsonGenerator row) throws IOException {
    row.writeStartObject();
    row.writeFieldName(RecordJson.TIMESTAMP);
    row.writeNumber(Math.floorDiv(record.timestampNanos(), 1_000_000_000L));
    row.writeFieldName(TIMESTAMP_NS);
    row.writeNumber(record.timestampNanos());
    row.writeFieldName(RecordJson.MESSAGE);
    row.writeUTF8String(record.messageUtf8(), 0, record.messageUtf8().length);
    row.writeFieldName(RecordJson.STREAM);
    row.writeString(RecordJson.stream(record));
    row.writeRaw(sourceColumns(record)); // the same for every line of a file: made once, copied per row
    row.writeFieldName(RecordJson.OFFSET);
    row.writeNumber(record.offset());
    row.writeFieldName(TRUNCATED);
    row.writeNumber(record.truncated() ? 1 : 0);
    row.writeFieldName(MALFORMED);
    row.writeNumber(record.malformed() ? 1 : 0);
    row.writeEndObject();
  }

  /**
   * {@code ,"node":…,"file":"…"}: the columns of the record's node and source, written by Jackson once per source
   * while a batch's records of one file follow each other.
   */
  private SerializedString sourceColumns(LogRecord record) throws IOException {
    LogSource source = record.source();
    if (source != lastSource || !record.node().equals(lastNode)) {
      lastColumns = RecordJson.fragment(json, columns -> {
        RecordJson.writeWhere(record, columns);
        columns.writeNumberField("restart_count", source.restartCount());
        columns.writeStringField("labels", labelsJson(source.labels()));
        columns.writeStringField("file", source.path());
      });
      lastSource = source;
      lastNode = record.node();
    }
    return lastColumns;
  }

  private String labelsJson(Map<String, String> labels) throws IOException {
    if (labels.isEmpty()) {
      return "{}";
    }
    java.io.StringWriter out = new java.io.StringWriter();
    try (JsonGenerator object = json.createGenerator(out)) {
      object.writeStartObject();
      for (Map.Entry<String, String> label : new java.util.TreeMap<>(labels).entrySet()) {
        object.writeStringField(label.getKey(), label.getValue());
      }
      object.writeEndObject();
    }
    return out.toString();
  }

  private record Reply(int status, int code, String retryAfter, String text) {}

  private Reply request(String uri, byte[] payload, boolean gzip) throws SinkException {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(uri)
        .setTimeout(config.timeout().toMillis())
        .putHeader("Authorization", "Basic " + Base64.getEncoder().encodeToString(
            (config.username() + ":" + password()).getBytes(StandardCharsets.UTF_8)));
    if (gzip) {
      options.putHeader("Content-Encoding", "gzip");
    }
    try {
      return client.request(options)
          .compose(request -> request.send(Buffer.buffer(payload)))
          .compose(response -> response.body().map(answer -> new Reply(response.statusCode(),
              ClickHouseErrors.code(response.getHeader("X-ClickHouse-Exception-Code"), answer.toString()),
              response.getHeader("Retry-After"), answer.toString(StandardCharsets.UTF_8))))
          .toCompletionStage().toCompletableFuture()
          .get(config.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      String reason = cause instanceof java.net.ConnectException ? "connection"
          : cause instanceof io.vertx.core.http.HttpClosedException ? "connection"
          : cause != null && cause.getClass().getSimpleName().contains("Timeout") ? "timeout" : "http_error";
      throw SinkException.retryable(reason, "ClickHouse at " + config.endpoint() + ": " + cause, cause);
    } catch (TimeoutException e) {
      throw SinkException.retryable("timeout", "ClickHouse at " + config.endpoint() + " did not answer within "
          + config.timeout(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw SinkException.retryable("interrupted", "interrupted while waiting for ClickHouse", e);
    }
  }

  /** Read per request, so a rotated secret takes effect without a restart. */
  private String password() throws SinkException {
    if (config.passwordFile() == null) {
      return "";
    }
    try {
      return config.passwordFile().read();
    } catch (IOException e) {
      throw SinkException.retryable("credentials", "cannot read the ClickHouse password file "
          + config.passwordFile().file() + ": " + e.getMessage(), e);
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** gzip at its fastest level: the batch is compressed once per send, on the sender's thread. */
  private static final class FastGzip extends GZIPOutputStream {
    FastGzip(OutputStream out) throws IOException {
      super(out, 64 * 1024);
      def.setLevel(Deflater.BEST_SPEED);
    }
  }

  @Override
  public void close() {
    client.close();
  }
}

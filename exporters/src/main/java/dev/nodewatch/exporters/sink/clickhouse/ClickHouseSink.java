package dev.nodewatch.exporters.sink.clickhouse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.nodewatch.collectors.queue.LogRecord;
import dev.nodewatch.collectors.queue.LogSource;
import dev.nodewatch.exporters.forward.RecordJson;
import dev.nodewatch.exporters.forward.Sink;
import dev.nodewatch.exporters.forward.SinkBatch;
import dev.nodewatch.exporters.forward.SinkException;
import dev.nodewatch.exporters.forward.SinkType;
import dev.nodewatch.exporters.http.BufferOutputStream;
import dev.nodewatch.exporters.http.Compression;
import dev.nodewatch.exporters.http.HttpReply;
import dev.nodewatch.exporters.http.HttpTransport;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

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
      (settings, options, context) -> new ClickHouseSink(context.vertx(), settings.name(), options,
          context.environment()));


  private static final SerializedString TIMESTAMP_NS = new SerializedString("timestamp_ns");
  private static final SerializedString TRUNCATED = new SerializedString("truncated");
  private static final SerializedString MALFORMED = new SerializedString("malformed");

  private final String name;
  private final Compression compression;
  private final HttpTransport http;
  private final ClickHouseTable table;
  private final boolean createTable;
  private final String insertParameters;
  private final JsonFactory json = new JsonFactory();
  private LogSource lastSource;
  private String lastNode;
  private SerializedString lastColumns;
  /** Whether the table was seen to have the columns a row needs (checked before the first insert). */
  private volatile boolean columnsChecked;
  /** Whether the server takes a deduplication token; null until asked. */
  private volatile Boolean deduplicates;

  /**
   * @param name the sink's name, in the deduplication token of each insert
   * @param env where the proxy variables are read
   */
  public ClickHouseSink(Vertx vertx, String name, ClickHouseOptions config, Map<String, String> env) {
    this.name = name;
    this.compression = config.bodyCompression();
    this.http = new HttpTransport(vertx, config.httpEndpoint(), "ClickHouse", env);
    this.table = new ClickHouseTable(config.database(), config.table());
    this.createTable = config.createTable();
    String insertQuery = "INSERT INTO " + table.qualifiedName() + " FORMAT JSONEachRow";
    // a field the table has no column for is left out, not an error for the whole batch: a table made with fewer
    // columns, or a newer agent writing a field an older table lacks, still takes the rest
    this.insertParameters = "/?input_format_skip_unknown_fields=1&query=" + encode(insertQuery);
  }

  @Override
  public List<Rejection> send(SinkBatch batch) throws SinkException {
    if (deduplicates == null) {
      deduplicates = settingExists("insert_deduplication_token");
    }
    if (!columnsChecked) {
      checkColumns();
    }
    String path = insertParameters
        + (deduplicates ? "&insert_deduplication_token=" + encode(name + "-" + batch.id()) : "");
    HttpReply reply = http.send(HttpMethod.POST, path, Map.of(), encode(batch.records()), compression);
    if (reply.status() == 200) {
      return List.of();
    }
    int code = errorCode(reply);
    if (code == ClickHouseErrors.UNKNOWN_TABLE && createTable) {
      table.create(this::query);
    }
    throw ClickHouseErrors.classify(reply, code, http.failure(reply));
  }

  /** The server answers this user, and the table exists (made here when missing and {@code create_table}). */
  @Override
  public String check() throws SinkException {
    String version = query("SELECT version()").strip();
    deduplicates = settingExists("insert_deduplication_token");
    boolean exists = query("EXISTS TABLE " + table.qualifiedName()).strip().equals("1");
    if (!exists) {
      if (!createTable) {
        throw SinkException.retryable("not_found", "table " + table.qualifiedName()
            + " does not exist (create_table is false)", null);
      }
      table.create(this::query);
    }
    List<String> leftOut = checkColumns();
    return "ClickHouse " + version + " at " + http.route() + ", table " + table.qualifiedName() + (exists ? " exists" : " created")
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
    HttpReply reply = http.send(HttpMethod.POST, "/", Map.of(), Buffer.buffer(sql), Compression.NONE);
    if (reply.status() != 200) {
      throw ClickHouseErrors.classify(reply, errorCode(reply), http.failure(reply));
    }
    return reply.text();
  }

  /** ClickHouse's error code, from its header or (older servers) the start of the body; 0 when neither has one. */
  private static int errorCode(HttpReply reply) {
    return ClickHouseErrors.code(reply.header("X-ClickHouse-Exception-Code"), reply.errorText());
  }

  private Buffer encode(List<LogRecord> records) throws SinkException {
    Buffer body = Buffer.buffer(64 * 1024);
    try (OutputStream out = compression.wrap(new BufferOutputStream(body));
        JsonGenerator row = json.createGenerator(out)) {
      row.setRootValueSeparator(null);
      for (LogRecord record : records) {
        writeRow(record, row);
        row.writeRaw('\n');
      }
    } catch (IOException e) {
      throw SinkException.retryable("encode", "cannot encode the batch: " + e.getMessage(), e);
    }
    return body;
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

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    http.close();
  }
}

package dev.nodewatch.exporters.sink.loki;

import dev.nodewatch.collectors.queue.LogRecord;
import dev.nodewatch.collectors.queue.LogSource;
import dev.nodewatch.collectors.queue.Utf8Cut;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which of a record's fields make its Loki stream (the labels) and which travel with each entry as structured
 * metadata. Loki keeps an index and a chunk per distinct label set, so labels are the few values that select a
 * workload (namespace, pod, container, node, the pod's {@code app}); what identifies a single line (the pod's UID,
 * the container id, the stream, the file and offset, the pod's other labels) would multiply the streams, and goes
 * as metadata instead.
 */
final class LokiStreams {

  /** The record fields {@code labels:} may name; {@code pod_label:<name>} names a pod label. */
  static final List<String> FIELDS = List.of("namespace", "pod", "pod_uid", "container", "container_id", "node",
      "stream", "file");
  private static final String POD_LABEL = "pod_label:";

  /**
   * One line as Loki gets it: its time, its bytes {@code line[0, length)}, and its structured metadata: what all
   * lines of its file share ({@code shared}, one map per file in a push), then its {@code stream} (unless that is a
   * label), {@code offset}, and {@code truncated}/{@code malformed} when true.
   */
  record Entry(long timestampNanos, byte[] line, int length, Shared shared, String stream, long offset,
      boolean truncated, boolean malformed) {}

  /** The structured metadata every line of one file shares; one object per file, so encoders can reuse its form. */
  record Shared(Map<String, String> metadata) {}

  /** A stream of one push: its labels in Loki's text form, the same labels as a map, its entries by time. */
  record Stream(String labels, Map<String, String> labelMap, List<Entry> entries) {}

  private final List<String> fields = new ArrayList<>();
  private final List<String> podLabels = new ArrayList<>();
  private final int maxLineBytes;

  /** @param labels the {@code labels:} list, valid ({@link #labelProblem} found nothing) */
  LokiStreams(List<String> labels, int maxLineBytes) {
    for (String label : labels) {
      if (label.startsWith(POD_LABEL)) {
        podLabels.add(label.substring(POD_LABEL.length()));
      } else {
        fields.add(label);
      }
    }
    this.maxLineBytes = maxLineBytes;
  }

  /** What is wrong with one entry of {@code labels:}, or null. */
  static String labelProblem(String label) {
    if (label == null || label.isBlank()) {
      return "must be a record field or pod_label:<name>";
    }
    if (label.startsWith(POD_LABEL)) {
      return label.length() > POD_LABEL.length() ? null : "pod_label: needs the pod label's name";
    }
    return FIELDS.contains(label) ? null
        : "unknown field \"" + label + "\" (known: " + String.join(", ", FIELDS) + ", pod_label:<name>)";
  }

  /**
   * The records' streams, in the order each first appears, entries sorted by time within each (records of the
   * same time keep their order). The same records always give the same streams, entries and bytes: a batch sent
   * again is one Loki already holds, entry for entry.
   */
  List<Stream> group(List<LogRecord> records) {
    Map<String, Stream> streams = new LinkedHashMap<>();
    LogSource lastSource = null;
    String lastNode = null;
    Stream stream = null;
    Shared shared = null;
    for (LogRecord record : records) {
      if (record.source() != lastSource || !record.node().equals(lastNode)) {
        lastSource = record.source();
        lastNode = record.node();
        Map<String, String> labels = labels(record);
        String text = text(labels);
        stream = streams.computeIfAbsent(text, t -> new Stream(t, labels, new ArrayList<>()));
        shared = new Shared(sharedMetadata(record, labels));
      }
      stream.entries().add(entry(record, shared));
    }
    List<Stream> grouped = new ArrayList<>(streams.values());
    for (Stream s : grouped) {
      s.entries().sort(Comparator.comparingLong(Entry::timestampNanos));
    }
    return grouped;
  }

  private Entry entry(LogRecord record, Shared shared) {
    byte[] line = record.messageUtf8();
    int length = Utf8Cut.length(line, 0, line.length, maxLineBytes);
    boolean cut = length < line.length;
    return new Entry(record.timestampNanos(), line, length, shared, fields.contains("stream") ? null : record.stream(),
        record.offset(), record.truncated() || cut, record.malformed());
  }

  private Map<String, String> labels(LogRecord record) {
    Map<String, String> labels = new TreeMap<>();
    for (String field : fields) {
      putIfSet(labels, field, field(record, field));
    }
    for (String podLabel : podLabels) {
      putIfSet(labels, labelName(podLabel), record.source().labels().getOrDefault(podLabel, ""));
    }
    if (labels.isEmpty()) {
      labels.put("node", record.node().isEmpty() ? "unknown" : record.node()); // Loki refuses a stream without labels
    }
    return labels;
  }

  /** The metadata every line of a file shares: the identifying fields that are not labels, the other pod labels. */
  private Map<String, String> sharedMetadata(LogRecord record, Map<String, String> labels) {
    Map<String, String> metadata = new LinkedHashMap<>();
    for (String field : List.of("pod_uid", "container_id", "file")) {
      if (!fields.contains(field)) {
        putIfSet(metadata, field, field(record, field));
      }
    }
    for (Map.Entry<String, String> label : new TreeMap<>(record.source().labels()).entrySet()) {
      String name = labelName(label.getKey());
      if (!podLabels.contains(label.getKey()) && !labels.containsKey(name) && !metadata.containsKey(name)
          && !FIELDS.contains(name) && !name.equals("offset")) {
        putIfSet(metadata, name, label.getValue());
      }
    }
    return metadata;
  }

  private static String field(LogRecord record, String field) {
    LogSource source = record.source();
    return switch (field) {
      case "namespace" -> source.namespace();
      case "pod" -> source.pod();
      case "pod_uid" -> source.podUid();
      case "container" -> source.container();
      case "container_id" -> source.containerId();
      case "node" -> record.node();
      case "stream" -> record.stream();
      case "file" -> source.path();
      default -> throw new IllegalArgumentException("no record field " + field);
    };
  }

  private static void putIfSet(Map<String, String> map, String name, String value) {
    if (value != null && !value.isEmpty()) {
      map.put(name, value);
    }
  }

  /** A pod label's key as a Loki label name: {@code app.kubernetes.io/name} → {@code app_kubernetes_io_name}. */
  static String labelName(String key) {
    StringBuilder name = new StringBuilder(key.length() + 1);
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      boolean ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9');
      if (i == 0 && c >= '0' && c <= '9') {
        name.append('_').append(c);
      } else {
        name.append(ok ? c : '_');
      }
    }
    return name.toString();
  }

  /** Labels in Loki's (Prometheus's) text form, sorted by name: {@code {container="app", namespace="shop"}}. */
  static String text(Map<String, String> labels) {
    StringBuilder text = new StringBuilder("{");
    for (Map.Entry<String, String> label : labels.entrySet()) {
      if (text.length() > 1) {
        text.append(", ");
      }
      text.append(label.getKey()).append("=\"");
      String value = label.getValue();
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        switch (c) {
          case '\\' -> text.append("\\\\");
          case '"' -> text.append("\\\"");
          case '\n' -> text.append("\\n");
          default -> text.append(c);
        }
      }
      text.append('"');
    }
    return text.append('}').toString();
  }
}

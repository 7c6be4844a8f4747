package dev.nodewatch.exporters.testing;

import dev.nodewatch.collectors.queue.FileIdentity;
import dev.nodewatch.collectors.queue.LogRecord;
import dev.nodewatch.collectors.queue.LogSource;
import dev.nodewatch.exporters.forward.SinkBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Records of one source with their NDJSON line spelled out, for the sinks that write NDJSON. */
public final class SampleRecords {

  private static final LogSource SOURCE = new LogSource(new FileIdentity(1, 2, 3, 4), "/var/log/pods/ns_p_u/c/0.log",
      "ns", "p", "u", "c", "cid", -1, Map.of());

  private SampleRecords() {}

  /** Records {@code from} to {@code from + count - 1} (at most ten in all): record i at offset i. */
  public static SinkBatch batch(int from, int count) {
    List<LogRecord> records = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      records.add(new LogRecord(1_764_064_800_000_000_000L + i, "stdout", "line " + i, false, false, i, SOURCE,
          "n"));
    }
    return new SinkBatch("q", records, from, from + count - 1, 0);
  }

  /** Record i as its NDJSON line, byte for byte. */
  public static String line(int i) {
    return "{\"timestamp\":\"2025-11-25T10:00:00.00000000" + i + "Z\",\"stream\":\"stdout\",\"message\":\"line " + i
        + "\",\"node\":\"n\",\"namespace\":\"ns\",\"pod\":\"p\",\"pod_uid\":\"u\",\"container\":\"c\","
        + "\"container_id\":\"cid\",\"file\":\"/var/log/pods/ns_p_u/c/0.log\",\"offset\":" + i + "}\n";
  }
}

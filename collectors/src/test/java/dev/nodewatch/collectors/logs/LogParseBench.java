package dev.nodewatch.collectors.logs;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Benchmark, not a test: how fast CRI lines are parsed and joined on one thread, over an in-memory buffer of
 * {@code lines} lines of ~{@code bytes} bytes (every tenth split into P/F parts), so the parse cost can be compared
 * with the log pipeline's budget (Fluent Bit's 128k lines/s end to end here). Prints lines/s, MiB/s, CPU s/GiB and
 * allocation per line.
 *
 * <p>Usage: {@code LogParseBench <lines> <bytes per line> <rounds>}
 */
public final class LogParseBench {

  private LogParseBench() {}

  public static void main(String[] args) {
    int lines = Integer.parseInt(args[0]);
    int size = Integer.parseInt(args[1]);
    int rounds = Integer.parseInt(args[2]);
    StringBuilder text = new StringBuilder();
    String payload = "x".repeat(Math.max(1, size - 48));
    for (int i = 0; i < lines; i++) {
      String time = String.format(Locale.ROOT, "2024-05-01T12:%02d:%02d.%09dZ", (i / 60) % 60, i % 60, i);
      if (i % 10 == 0) {
        text.append(time).append(" stdout P ").append(payload, 0, payload.length() / 2).append('\n');
        text.append(time).append(" stdout F ").append(payload, payload.length() / 2, payload.length()).append('\n');
      } else {
        text.append(time).append(i % 3 == 0 ? " stderr F " : " stdout F ").append(payload).append('\n');
      }
    }
    byte[] buffer = text.toString().getBytes(StandardCharsets.UTF_8);
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    // process CPU, so the collector's work (the serial GC runs on a VM thread) is counted too
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (int r = 0; r < rounds; r++) {
      long cpu0 = os.getProcessCpuTime();
      long alloc0 = threads.getCurrentThreadAllocatedBytes();
      long t0 = System.nanoTime();
      long joined = run(buffer);
      double seconds = (System.nanoTime() - t0) / 1e9;
      double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
      double gib = buffer.length / (1024.0 * 1024 * 1024);
      System.out.printf(Locale.ROOT, "round %d: %d lines, %.0f lines/s, %.0f MiB/s, %.1f CPU s/GiB, %.0f B allocated "
          + "per line%n", r, joined, joined / seconds, buffer.length / seconds / 1048576, cpu / gib,
          (double) (threads.getCurrentThreadAllocatedBytes() - alloc0) / joined);
    }
  }

  private static long run(byte[] buffer) {
    LineParser parser = new CriLineParser();
    PartialLineJoiner joiner = new PartialLineJoiner(1 << 20);
    long joined = 0;
    int start = 0;
    for (int i = 0; i < buffer.length; i++) {
      if (buffer[i] == '\n') {
        JoinedLine line = joiner.accept(parser.parse(buffer, start, i, 0));
        if (line != null) {
          joined++;
        }
        start = i + 1;
      }
    }
    return joined;
  }
}

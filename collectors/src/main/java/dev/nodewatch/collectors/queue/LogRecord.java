package dev.nodewatch.collectors.queue;

/**
 * One log line as the sinks receive it: what the container wrote, when, on which stream, from which pod, and where
 * in which file it was read ({@code source.file()} and {@code offset}), so a record can be traced to its line and
 * told apart from a duplicate downstream.
 *
 * @param stream {@code stdout} or {@code stderr}
 * @param truncated the line was longer than {@code logs.max_line_bytes}; the message is its first that many bytes
 * @param malformed the runtime's framing could not be read; the message is the whole line as it was in the file
 * @param offset where the line (its first part, for a joined line) starts in its file
 * @param node the node the agent runs on
 */
public record LogRecord(long timestampNanos, String stream, String message, boolean truncated, boolean malformed,
    long offset, LogSource source, String node) {}

package dev.nodewatch.collectors.logs;

/**
 * A whole line as the container wrote it, its parts joined: the message decoded as UTF-8 (invalid bytes replaced
 * by U+FFFD, never dropped), the timestamp of its first part.
 *
 * @param truncated the line was longer than {@code logs.max_line_bytes}; the message is its first that many bytes
 * @param malformed its framing could not be read (see {@link LogLine#malformed()})
 */
public record JoinedLine(long timestampNanos, LogStream stream, String message, boolean truncated,
    boolean malformed) {}

package dev.nodewatch.collectors.queue;

/**
 * How far a file has been read and stored: every line before {@code offset} is in the queue. This is what the
 * tailer resumes from after a restart.
 */
public record FilePosition(FileIdentity file, String path, long offset) {}

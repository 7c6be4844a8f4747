package dev.nodewatch.collectors.queue;

/**
 * How far a file has been read and stored: every line before {@code offset} is in the queue. This is what the
 * tailer resumes from after a restart.
 *
 * @param finished the file was read to its end and let go (or, on the agent's first start on a node, left alone):
 *     its content, found again under another name or compressed, is not read again
 */
public record FilePosition(FileIdentity file, String path, long offset, boolean finished) {

  public FilePosition(FileIdentity file, String path, long offset) {
    this(file, path, offset, false);
  }
}

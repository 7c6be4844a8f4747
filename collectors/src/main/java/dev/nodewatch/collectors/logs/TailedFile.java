package dev.nodewatch.collectors.logs;

import dev.nodewatch.collectors.queue.FileIdentity;
import dev.nodewatch.collectors.queue.FilePosition;
import dev.nodewatch.collectors.queue.LogSource;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * One log file being tailed, whatever its name now: its descriptor (null while closed to stay under
 * {@code logs.max_open_files}), how far it was read, and the position to resume from after a restart.
 *
 * <p>{@code readOffset} is where the next read starts (after the last complete line). {@code resumeOffset} is what
 * is stored with each batch: the same, unless a line's first parts were read but its last part was not yet (or a
 * multi-line record is still gathering lines), in which case it is where that line or record starts, so a restart
 * reads it again whole rather than losing its head.
 */
final class TailedFile {

  /** Re-taken as the file grows, until its fingerprint covers all of its first bytes. */
  FileIdentity identity;
  /** The file's path when it was found (under {@code /var/log/pods}); it may have been renamed since. */
  final Path realPath;
  final Path containerDir;
  final LineReader reader;
  LogSource source;
  FileChannel channel;
  LineParser parser;
  /** Null unless {@code logs.multiline} is set. */
  MultilineJoiner multiline;
  long readOffset;
  long pendingStart = -1;
  long sizeAtLastCheck;
  long nextDrainCheckNanos;
  long lastActiveNanos;
  /** No watched path leads to this file any more (rotated, its symlink removed, deleted): drain, then close. */
  boolean letGo;
  long letGoNanos;
  /** Closed while idle and grown since: open again when a descriptor is free. */
  boolean wantsOpen;

  TailedFile(FileIdentity identity, Path realPath, LogSource source, FileChannel channel, LineReader reader,
      long readOffset) {
    this.identity = identity;
    this.realPath = realPath;
    this.containerDir = realPath.getParent();
    this.source = source;
    this.channel = channel;
    this.reader = reader;
    this.readOffset = readOffset;
    this.sizeAtLastCheck = readOffset;
  }

  long resumeOffset() {
    return resumeBefore(readOffset);
  }

  /** Where to resume when everything before {@code offset} is stored, but for lines still gathering parts. */
  long resumeBefore(long offset) {
    long resume = pendingStart >= 0 ? Math.min(pendingStart, offset) : offset;
    return multiline != null && multiline.hasPending() ? Math.min(resume, multiline.pendingStart()) : resume;
  }

  FilePosition position() {
    return new FilePosition(identity, realPath.toString(), resumeOffset());
  }

  /**
   * A file found empty (the usual case: found the moment it is created) has an empty fingerprint, which matches
   * any file; it is taken again as the file grows, until it covers the first {@link FileIdentity#FINGERPRINT_BYTES}.
   */
  void refreshIdentity() throws java.io.IOException {
    if (identity.fingerprintLength() < FileIdentity.FINGERPRINT_BYTES && readOffset > identity.fingerprintLength()) {
      identity = identity.refingerprint(channel);
    }
  }

  boolean isOpen() {
    return channel != null;
  }

  void close() throws IOException {
    if (channel != null) {
      channel.close();
      channel = null;
    }
  }
}

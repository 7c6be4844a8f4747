package dev.nodewatch.collectors.logs;

import dev.nodewatch.collectors.queue.FileIdentity;
import dev.nodewatch.collectors.queue.FilePosition;
import dev.nodewatch.collectors.queue.LogSource;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One log file being tailed, whatever its name now: its input (null while closed to stay under
 * {@code logs.max_open_files}), how far it was read, the position to resume from after a restart, and an account
 * of what was read from it.
 *
 * <p>{@code readOffset} is where the next read starts (after the last complete line). {@code resumeOffset} is what
 * is stored with each batch: the same, unless a line's first parts were read but its last part was not yet (or a
 * multi-line record is still gathering lines), in which case it is where that line or record starts, so a restart
 * reads it again whole rather than losing its head.
 */
final class TailedFile {

  /** How the file was found: under its live name, as a rotated file never seen live, or compressed. */
  enum Found {
    LIVE("live"), ROTATED("rotated"), COMPRESSED("compressed");

    private final String label;

    Found(String label) {
      this.label = label;
    }

    String label() {
      return label;
    }
  }

  /** Re-taken as the file grows, until its fingerprint covers all of its first bytes. */
  FileIdentity identity;
  /** The file's path when it was found (under {@code /var/log/pods}); it may have been renamed since. */
  final Path realPath;
  final Path containerDir;
  final LineReader reader;
  /** kubelet's name for it when found (null for a file outside kubelet's layout): orders a container's files. */
  final LogFileName name;
  final Found found;
  /** Files found earlier have lower numbers: the order among files of equal name (the live file and its successor). */
  final long discovery;
  LogSource source;
  LogInput input;
  LineParser parser;
  /** Null unless {@code logs.multiline} is set. */
  MultilineJoiner multiline;
  long readOffset;
  long pendingStart = -1;
  long sizeAtLastCheck;
  long nextDrainCheckNanos;
  /** Reads in a row that found nothing new, and when the file is looked at next (it backs off while quiet). */
  int idleReads;
  long nextReadNanos;
  /** Its container is quiet: read again when its directory reports a write (or after a long fallback). */
  boolean sleeping;
  long lastActiveNanos;
  /** No watched path leads to this file any more (rotated, its symlink removed, deleted): drain, then close. */
  boolean letGo;
  long letGoNanos;
  /** Closed while idle and grown since: open again when a descriptor is free. */
  boolean wantsOpen;
  long bytesRead;
  long linesAppended;
  /** Its container's counts; null for a file outside kubelet's layout (no pod to name). */
  ContainerLogCounts counts;
  long bytesSkipped;
  /** Of the reader's truncated bytes, those already counted as lost. */
  long truncatedBytesCounted;
  String skippedWhy = "";

  TailedFile(FileIdentity identity, Path realPath, LogSource source, LogInput input, LineReader reader,
      long readOffset, Found found, long discovery) {
    this.identity = identity;
    this.realPath = realPath;
    this.containerDir = realPath.getParent();
    this.name = LogFileName.parse(realPath);
    this.found = found;
    this.discovery = discovery;
    this.source = source;
    this.input = input;
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
   * Whether this file's content comes before {@code other}'s in their container (both in one directory): an
   * earlier start, an earlier rotation, or, between equal names (a live file and the one that took its name), the
   * one found first.
   */
  boolean olderThan(TailedFile other) {
    int byName = name == null || other.name == null ? 0 : LogFileName.OLDEST_FIRST.compare(name, other.name);
    return byName != 0 ? byName < 0 : discovery < other.discovery;
  }

  /** Bytes of the file not read yet, as far as is known (a compressed file's length is known only at its end). */
  boolean hasUnread() throws IOException {
    return input != null && readOffset < input.size();
  }

  /** Whether the content open now still starts as it did when the file was identified. */
  boolean sameStart() throws IOException {
    return identity.startsLike(input.head(identity.fingerprintLength()));
  }

  /**
   * A file found empty (the usual case: found the moment it is created) has an empty fingerprint, which matches
   * any file; it is taken again as the file grows, until it covers the first {@link FileIdentity#FINGERPRINT_BYTES}.
   */
  void refreshIdentity() throws IOException {
    refreshIdentityBefore(readOffset);
  }

  /** Fingerprints again over the first bytes, when fewer than {@code upTo} of them are covered and more exist. */
  void refreshIdentityBefore(long upTo) throws IOException {
    int length = identity.fingerprintLength();
    if (length < FileIdentity.FINGERPRINT_BYTES && upTo > length && input.size() > length) {
      reidentify(identity.refingerprint(input.head(FileIdentity.FINGERPRINT_BYTES)));
    }
  }

  /**
   * Known by a new fingerprint from now on, in the batches stored too: a restart trusts a stored position only
   * when its fingerprint covers the file's start up to it, and finds a compressed copy only by a whole fingerprint.
   */
  void reidentify(FileIdentity newer) {
    identity = newer;
    source = source.withFile(newer);
  }

  void skipped(long bytes, String why) {
    bytesSkipped += bytes;
    skippedWhy = why;
  }

  boolean isOpen() {
    return input != null;
  }

  void close() throws IOException {
    if (input != null) {
      input.close();
      input = null;
    }
  }
}

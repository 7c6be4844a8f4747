package dev.nodewatch.collectors.logs;

import dev.nodewatch.collectors.queue.FileIdentity;
import dev.nodewatch.collectors.queue.FilePosition;
import dev.nodewatch.collectors.queue.LogSource;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * One log file being tailed, whatever its name now: its input (null while closed to stay under
 * {@code logs.max_open_files}), how far it was read, the position to resume from after a restart, and an account
 * of what was read from it.
 *
 * <p>{@code readOffset} is where the next read starts (after the last complete line). {@code resumeOffset} is what
 * is stored with each batch: the same, unless a line's first parts were read but its last part was not yet (or a
 * multi-line record is still gathering lines), in which case it is where that line or record starts, so a restart
 * reads it again whole rather than losing its head.
 *
 * <p>Its life: <em>live</em> while a watched path leads to it; <em>let go</em> ({@link #letGo}) once none does
 * (kubelet renamed it, its symlink went) or from the start when found as a rotated or compressed file — then it is
 * read to its end and closed when {@link #drain} says nothing can write to it any more. In either state it may be
 * <em>parked</em> ({@link #park}: closed to stay under {@code logs.max_open_files}) while it has nothing new, and is
 * opened again ({@link #unpark}) once it grows or is let go.
 */
final class TailedFile {

  /** A file let go whose path still holds it (its symlink was removed: the container ended) closes after this. */
  static final long IDLE_CLOSE_NANOS = TimeUnit.SECONDS.toNanos(5);
  /** A renamed file whose path stays empty (no runtime reopen) is given up after this long idle at its end. */
  static final long ORPHAN_CLOSE_NANOS = TimeUnit.MINUTES.toNanos(5);
  /** A file ending in the first part of a line waits this long for the end to come in the container's next file. */
  static final long PART_WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

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
  private boolean letGo;
  private long letGoNanos;
  /** Parked and grown since (or let go): open again when a descriptor is free. */
  private boolean wantsOpen;
  long bytesRead;
  long linesRead;
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

  /**
   * What {@link #drain} found: whether the file can be closed, and bytes given up — the first part of a line whose
   * end never came ({@code lostPart}), or an unfinished last line nothing will finish ({@code lostTail}).
   */
  record Drain(boolean close, long lostPart, long lostTail) {
    static final Drain KEEP = new Drain(false, 0, 0);
  }

  /** No watched path leads here any more: read to the end, then closed. A parked file is opened again for that. */
  void letGo(long now) {
    if (!letGo) {
      letGo = true;
      letGoNanos = now;
    }
    if (!isOpen()) {
      wantsOpen = true;
    }
  }

  /** A watched path leads here again (a scan found it, or a link came back before it was drained). */
  void takenBack() {
    letGo = false;
  }

  boolean isLetGo() {
    return letGo;
  }

  /** Closed to free a descriptor; it has been read to its end, so its size then is what "grown" is measured from. */
  void park() throws IOException {
    sizeAtLastCheck = readOffset;
    close();
  }

  /** Parked: whether it has grown (or was let go) and should be opened again. */
  boolean wantsOpen() {
    return wantsOpen;
  }

  /** Seen at {@code size} while parked; a size other than the one it was parked at wants it open again. */
  void parkedAt(long size) {
    // it stays wanted until opened: a paused or interrupted round may not get to it before the next look
    wantsOpen |= size != sizeAtLastCheck;
    sizeAtLastCheck = Math.max(sizeAtLastCheck, size);
  }

  /** Parked and no longer at its path: found by inode when it is opened again. */
  void lostItsPath() {
    wantsOpen = true;
  }

  void unpark(LogInput reopened) {
    input = reopened;
    wantsOpen = false;
  }

  /**
   * Whether a let-go file can be closed: read to its end, and nothing will write to it again. A part of a line
   * waits {@code PART_WAIT} for its end in the container's next file and is given up after that; an unfinished
   * last line (no newline) is given up once the file cannot grow.
   */
  Drain drain(long now) throws IOException {
    long size = input.size();
    long idle = now - Math.max(letGoNanos, lastActiveNanos);
    long lostPart = 0;
    if (pendingStart >= 0) {
      if (idle <= PART_WAIT_NANOS) {
        return Drain.KEEP; // it ends in the first part of a line whose end comes in the next file: kept until it does
      }
      lostPart = readOffset - pendingStart;
      skipped(lostPart, TailerStats.LostBytes.UNFINISHED.label());
      pendingStart = -1; // given up once: it is not counted again at the next look
    }
    boolean done;
    if (!input.growable()) {
      done = true; // compressed: nobody writes to it
    } else {
      try {
        FileKey there = FileKey.of(realPath);
        // another file at its path: the runtime writes there now; the same file: its symlink went, the container
        // ended, and a moment without writes is enough
        done = !there.equals(FileKey.of(identity)) || idle > IDLE_CLOSE_NANOS;
      } catch (NoSuchFileException e) {
        // deleted (nowhere in its directory any more): nothing can write to it; renamed with no successor yet: the
        // runtime has not reopened and may still write to it
        done = FileKey.of(identity).findIn(containerDir) == null || idle > ORPHAN_CLOSE_NANOS;
      }
    }
    if (readOffset >= size) {
      return new Drain(done, lostPart, 0);
    }
    if (done && idle > IDLE_CLOSE_NANOS) {
      // it ends in a line its writer never finished (no newline) and nothing will finish it now
      skipped(size - readOffset, TailerStats.LostBytes.UNFINISHED.label());
      return new Drain(true, lostPart, size - readOffset);
    }
    return new Drain(false, lostPart, 0);
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

  /** Closed, its descriptor released even when closing reports an error. */
  void close() throws IOException {
    LogInput open = input;
    input = null;
    if (open != null) {
      open.close();
    }
  }
}

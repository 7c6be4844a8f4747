package dev.nodewatch.collectors.queue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.core.UnsafeMemory;
import sun.misc.Unsafe;

/**
 * The two kinds of document in the queue, in Chronicle's raw bytes (no self-describing wire: a batch of 1,000 lines
 * would otherwise carry 1,000 copies of every field name).
 *
 * <ul>
 *   <li>A <b>batch</b>: the source file and pod once, the file position the batch advances to, then its lines.
 *       Records and the position they advance are one document, written atomically, so the queue is the offset
 *       store and a crash cannot leave the two disagreeing.
 *   <li>A <b>positions</b> document: every tailed file's position at one moment, so a restart replays only the
 *       batches after the newest one instead of the whole queue, and files that were read past without a batch
 *       (dropped when full, only partial lines so far) are remembered too.
 * </ul>
 */
final class QueueDocuments {

  static final byte BATCH = 1;
  static final byte POSITIONS = 2;

  private static final int STDERR = 1;
  private static final int TRUNCATED = 2;
  private static final int MALFORMED = 4;

  private QueueDocuments() {}

  /** Starts a batch document in {@code out}, at its write position: kind and source. */
  static void startBatch(Bytes<?> out, LogSource source) {
    out.writeByte(BATCH);
    writeIdentity(out, source.file());
    out.writeUtf8(source.path());
    out.writeUtf8(source.namespace());
    out.writeUtf8(source.pod());
    out.writeUtf8(source.podUid());
    out.writeUtf8(source.container());
    out.writeUtf8(source.containerId());
    out.writeStopBit(source.restartCount() + 1L);
    out.writeStopBit(source.labels().size());
    for (Map.Entry<String, String> label : source.labels().entrySet()) {
      out.writeUtf8(label.getKey());
      out.writeUtf8(label.getValue());
    }
  }

  /** Bytes a line takes besides its message: timestamp, flags, offset and length, at most. */
  static final int LINE_OVERHEAD = 8 + 1 + 10 + 5;
  /** Bytes the end of a batch takes: resume offset and line count. */
  static final int END_BYTES = 12;

  /**
   * Writes one line; {@code utf8} is the message already encoded (the JDK's encoder and one bulk copy: Chronicle's
   * writeUtf8 goes a checked byte at a time), of which the first {@code length} bytes are written.
   */
  static void writeLine(Bytes<?> out, long timestampNanos, boolean stderr, boolean truncated, boolean malformed,
      long offset, byte[] utf8, int from, int length) {
    out.writeLong(timestampNanos);
    out.writeByte((byte) ((stderr ? STDERR : 0) | (truncated ? TRUNCATED : 0) | (malformed ? MALFORMED : 0)));
    out.writeStopBit(offset);
    out.writeStopBit(length);
    copyIn(out, utf8, from, length);
  }

  /**
   * Copies a message into the queue's mapped memory with one {@code Unsafe.copyMemory} (a memcpy) when the current
   * mapping holds all of it, as it does but at a chunk's edge. Chronicle's own {@code write(byte[])} copies heap to
   * native memory eight bytes per loop turn on Java 9+, which took three quarters of the tailer's time under C1.
   */
  private static void copyIn(Bytes<?> out, byte[] utf8, int from, int length) {
    BytesStore<?, ?> mapping = out.bytesStore();
    long at = out.writePosition();
    if (length > 0 && mapping != null && mapping.isDirectMemory() && mapping.inside(at, length)
        && at + length <= out.writeLimit()) {
      UnsafeMemory.UNSAFE.copyMemory(utf8, Unsafe.ARRAY_BYTE_BASE_OFFSET + from, null, mapping.addressForWrite(at),
          length);
      out.writeSkip(length);
    } else {
      out.write(utf8, from, length);
    }
  }

  /** The batch's header fields that are known only at its end, kept after the source so lines stream in first. */
  static void endBatch(Bytes<?> out, long resumeOffset, int lines) {
    out.writeLong(resumeOffset);
    out.writeInt(lines);
  }

  /**
   * The files being read, then the files finished (a second list after the first, so a document written before
   * finished files were kept still reads).
   */
  static void writePositions(Bytes<?> out, Collection<FilePosition> positions) {
    out.clear();
    out.writeByte(POSITIONS);
    for (boolean finished : new boolean[] {false, true}) {
      out.writeStopBit(positions.stream().filter(p -> p.finished() == finished).count());
      for (FilePosition position : positions) {
        if (position.finished() == finished) {
          writeIdentity(out, position.file());
          out.writeUtf8(position.path());
          out.writeStopBit(position.offset());
        }
      }
    }
  }

  /** The source and the position a batch advances to, without decoding its lines. */
  record BatchHeader(LogSource source, long resumeOffset, int lines, long linesStart) {}

  /**
   * Reads a batch's header. The end fields sit after the lines, found from the document's end, so a reader that
   * only wants the position (recovery) skips the lines without decoding them.
   */
  static BatchHeader readBatchHeader(Bytes<?> in) {
    long end = in.readLimit();
    long resumeOffset = in.readLong(end - 12);
    int lines = in.readInt(end - 4);
    FileIdentity file = readIdentity(in);
    String path = in.readUtf8();
    String namespace = in.readUtf8();
    String pod = in.readUtf8();
    String podUid = in.readUtf8();
    String container = in.readUtf8();
    String containerId = in.readUtf8();
    int restart = (int) (in.readStopBit() - 1);
    int labelCount = (int) in.readStopBit();
    Map<String, String> labels = new HashMap<>(labelCount * 2);
    for (int i = 0; i < labelCount; i++) {
      labels.put(in.readUtf8(), in.readUtf8());
    }
    return new BatchHeader(new LogSource(file, path, namespace, pod, podUid, container, containerId, restart,
        labels), resumeOffset, lines, in.readPosition());
  }

  /** Decodes a batch's lines after its header into records. */
  static void readLines(Bytes<?> in, BatchHeader header, String node, List<LogRecord> into) {
    in.readPosition(header.linesStart());
    for (int i = 0; i < header.lines(); i++) {
      into.add(readLine(in, header.source(), node));
    }
  }

  /** Decodes the line at {@code in}'s read position, leaving it at the next line. */
  static LogRecord readLine(Bytes<?> in, LogSource source, String node) {
    long timestamp = in.readLong();
    int flags = in.readByte();
    long offset = in.readStopBit();
    byte[] utf8 = new byte[(int) in.readStopBit()];
    in.read(utf8);
    return new LogRecord(timestamp, (flags & STDERR) != 0 ? "stderr" : "stdout", utf8, (flags & TRUNCATED) != 0,
        (flags & MALFORMED) != 0, offset, source, node);
  }

  /**
   * Walks a batch's lines as {@link #readLines} would, making nothing, and fails where it would fail: a poll that
   * hands out records to be decoded later finds a damaged document while it can still set it aside. It walks a copy
   * ({@link #copyOut}) in plain Java: Chronicle's bounds-checked reads of the mapped file, a byte at a time, made
   * this walk a tenth of a ClickHouse sink's time.
   *
   * @param document the document, from its first byte
   * @param linesStart where its lines start in {@code document}
   * @param length the document's length
   */
  static void checkLines(byte[] document, int linesStart, int length, int lines) {
    int end = length - END_BYTES;
    int at = linesStart;
    for (int i = 0; i < lines; i++) {
      at += 9; // timestamp and flags
      while (at < end && document[at] < 0) {
        at++; // the offset's stop-bit bytes but its last
      }
      at++;
      long messageLength = 0;
      for (int shift = 0; ; shift += 7) {
        if (at >= end || shift > 35) {
          throw new IllegalStateException("line " + i + " of " + lines + " has no whole length");
        }
        int b = document[at++];
        messageLength |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          break;
        }
      }
      if (messageLength > end - at) {
        throw new IllegalStateException("line " + i + " of " + lines + " claims " + messageLength
            + " bytes; the document has " + Math.max(0, end - at) + " left");
      }
      at += (int) messageLength;
    }
    if (at > end) {
      throw new IllegalStateException("the lines run " + (at - end) + " bytes into the batch's end");
    }
  }

  /**
   * Copies the document {@code in} holds from its read position (which stays where it is) into {@code into}, or a
   * larger array when it does not fit, which is returned: with one {@code Unsafe.copyMemory} (a memcpy) when the
   * mapping holds all of it, as it does but at a chunk's edge (Chronicle's own copy goes eight bytes per loop turn
   * under C1).
   */
  static byte[] copyOut(Bytes<?> in, byte[] into) {
    long length = in.readRemaining();
    if (length > into.length) {
      into = new byte[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(length, 2L * into.length))];
    }
    BytesStore<?, ?> mapping = in.bytesStore();
    long at = in.readPosition();
    if (length > 0 && mapping != null && mapping.isDirectMemory() && mapping.inside(at, length)) {
      UnsafeMemory.UNSAFE.copyMemory(null, mapping.addressForRead(at), into, Unsafe.ARRAY_BYTE_BASE_OFFSET, length);
    } else {
      for (int i = 0; i < length; i++) {
        into[i] = in.readByte(at + i);
      }
    }
    return into;
  }

  static List<FilePosition> readPositions(Bytes<?> in) {
    List<FilePosition> positions = new ArrayList<>();
    for (boolean finished : new boolean[] {false, true}) {
      if (finished && in.readRemaining() == 0) {
        break; // written before finished files were kept
      }
      int count = (int) in.readStopBit();
      for (int i = 0; i < count; i++) {
        FileIdentity file = readIdentity(in);
        positions.add(new FilePosition(file, in.readUtf8(), in.readStopBit(), finished));
      }
    }
    return positions;
  }

  private static void writeIdentity(Bytes<?> out, FileIdentity file) {
    out.writeLong(file.device());
    out.writeLong(file.inode());
    out.writeStopBit(file.fingerprintLength());
    out.writeLong(file.fingerprint());
  }

  private static FileIdentity readIdentity(Bytes<?> in) {
    return new FileIdentity(in.readLong(), in.readLong(), (int) in.readStopBit(), in.readLong());
  }
}

package dev.nodewatch.collectors.queue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Which file a tailed log file is, whatever its name: kubelet renames {@code 0.log} to {@code 0.log.<time>} when it
 * rotates, so a name proves nothing. Device and inode identify a file while it exists; but filesystems hand a freed
 * inode to the next new file at once, so a checksum of the file's first bytes ({@code fingerprint}, over
 * {@code fingerprintLength} bytes, up to {@value #FINGERPRINT_BYTES}) tells a reused inode from the file seen
 * before. A file shorter than that is fingerprinted over what it has, and compared over that much later on.
 */
public record FileIdentity(long device, long inode, int fingerprintLength, long fingerprint) {

  public static final int FINGERPRINT_BYTES = 256;

  /** The identity of the file open on {@code channel}, found at {@code path} (for its device and inode). */
  public static FileIdentity of(Path path, FileChannel channel) throws IOException {
    Map<String, Object> attributes = Files.readAttributes(path, "unix:dev,ino", LinkOption.NOFOLLOW_LINKS);
    ByteBuffer start = readStart(channel, FINGERPRINT_BYTES);
    return new FileIdentity(((Number) attributes.get("dev")).longValue(), ((Number) attributes.get("ino")).longValue(),
        start.remaining(), crc(start));
  }

  /**
   * Whether the file open on {@code channel} is this one: the same device and inode, checked by the caller, and the
   * same first {@code fingerprintLength} bytes. A file that shrank below them (copytruncate) is not the same.
   */
  public boolean sameStart(FileChannel channel) throws IOException {
    return startsLike(readStart(channel, fingerprintLength));
  }

  /**
   * Whether content starting with {@code head} begins with this file's fingerprinted bytes (as many as were
   * fingerprinted; the content may be longer). An empty fingerprint matches anything.
   */
  public boolean startsLike(ByteBuffer head) {
    return head.remaining() >= fingerprintLength
        && crc(head.duplicate().limit(head.position() + fingerprintLength)) == fingerprint;
  }

  /** The same file, fingerprinted again over its first bytes as they are now (it has grown since). */
  public FileIdentity refingerprint(FileChannel channel) throws IOException {
    return refingerprint(readStart(channel, FINGERPRINT_BYTES));
  }

  /** The same file, fingerprinted over {@code head}: its first bytes (up to {@link #FINGERPRINT_BYTES}) as now. */
  public FileIdentity refingerprint(ByteBuffer head) {
    return new FileIdentity(device, inode, head.remaining(), crc(head));
  }

  /**
   * Whether content starting with {@code head} (its first bytes, up to {@link #FINGERPRINT_BYTES}) is this file's: how a rotated file is recognised after kubelet compressed it, under another inode.
   * An empty fingerprint proves nothing and matches no content.
   */
  public boolean sameContent(ByteBuffer head) {
    // over the same length only: a short fingerprint (a file of a few lines when it was taken) would match any
    // file that starts with the same few lines, and container logs often do
    return fingerprintLength > 0 && head.remaining() == fingerprintLength && startsLike(head);
  }

  /**
   * Whether a stored position of this file can be trusted: its fingerprint covers the file's first bytes up to the
   * position (or all of {@link #FINGERPRINT_BYTES}); a shorter one would match another file that reused the inode.
   */
  public boolean coversStartOf(long offset) {
    return fingerprintLength >= Math.min(FINGERPRINT_BYTES, offset);
  }

  /** Same device and inode; the fingerprint may still tell a reused inode apart ({@link #sameStart}). */
  public boolean sameInode(FileIdentity other) {
    return device == other.device && inode == other.inode;
  }

  private static ByteBuffer readStart(FileChannel channel, int length) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(length);
    while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
      // positional reads: the channel's own position, where the tailer reads, is left alone
    }
    return buffer.flip();
  }

  private static long crc(ByteBuffer bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes.duplicate());
    return crc.getValue();
  }
}

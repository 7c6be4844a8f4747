package dev.nodewatch.collectors.logs;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A container's log files laid out and rotated the way kubelet and a CRI runtime do it: {@code
 * pods/<ns>_<pod>_<uid>/<container>/0.log} written by the "runtime", a {@code containers/...log} symlink to it, and
 * rotation by rename to {@code 0.log.<time>} followed by the runtime reopening a new {@code 0.log}.
 */
final class PodLogFiles implements AutoCloseable {

  private static final DateTimeFormatter ROTATED = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
      .withZone(ZoneOffset.UTC);

  final Path containerDir;
  final Path current;
  final Path link;
  private FileOutputStream out;
  private int rotations;

  PodLogFiles(Path root, String namespace, String pod, String uid, String container) throws IOException {
    this.containerDir = Files.createDirectories(root.resolve("pods").resolve(namespace + "_" + pod + "_" + uid)
        .resolve(container));
    this.current = containerDir.resolve("0.log");
    Path links = Files.createDirectories(root.resolve("containers"));
    this.link = links.resolve(pod + "_" + namespace + "_" + container + "-" + "ab".repeat(32) + ".log");
    this.out = new FileOutputStream(current.toFile(), true);
    Files.createSymbolicLink(link, current);
  }

  /** Appends raw bytes as the runtime writes them. */
  synchronized void write(String text) {
    write(text.getBytes(StandardCharsets.UTF_8));
  }

  synchronized void write(byte[] bytes) {
    try {
      out.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A CRI line: timestamp, stream, tag, message. */
  static String cri(String stream, char tag, String message) {
    return "2026-11-25T10:00:00.123456789Z " + stream + " " + tag + " " + message + "\n";
  }

  /** kubelet's rename; the runtime keeps writing into the renamed file until {@link #reopen}. */
  synchronized Path rename() throws IOException {
    Path rotated = containerDir.resolve("0.log." + ROTATED.format(Instant.ofEpochSecond(1_800_000_000L
        + rotations++)));
    Files.move(current, rotated, StandardCopyOption.ATOMIC_MOVE);
    return rotated;
  }

  /** The runtime's reopen after kubelet asked it to: a new {@code 0.log}. */
  synchronized void reopen() throws IOException {
    out.close();
    out = new FileOutputStream(current.toFile(), true);
  }

  /**
   * kubelet's compression of a rotated file: written to {@code <file>.gz.tmp}, renamed to {@code <file>.gz}, the
   * original removed.
   */
  Path compress(Path rotated) throws IOException {
    Path tmp = rotated.resolveSibling(rotated.getFileName() + ".gz.tmp");
    try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(tmp))) {
      Files.copy(rotated, out);
    }
    Path gz = rotated.resolveSibling(rotated.getFileName() + ".gz");
    Files.move(tmp, gz, StandardCopyOption.ATOMIC_MOVE);
    Files.delete(rotated);
    return gz;
  }

  /** A file kubelet's way of naming rotated files would give at {@code second} past a fixed time. */
  Path rotatedName(int second, boolean compressed) {
    return containerDir.resolve("0.log." + ROTATED.format(Instant.ofEpochSecond(1_700_000_000L + second))
        + (compressed ? ".gz" : ""));
  }

  /** kubelet keeps a few rotated files (containerLogMaxFiles, default 5); older ones are deleted. */
  void deleteRotatedExceptNewest(int keep) throws IOException {
    try (var list = Files.list(containerDir)) {
      var rotated = list.filter(p -> p.getFileName().toString().startsWith("0.log.")).sorted().toList();
      for (int i = 0; i < rotated.size() - keep; i++) {
        Files.deleteIfExists(rotated.get(i));
      }
    }
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}

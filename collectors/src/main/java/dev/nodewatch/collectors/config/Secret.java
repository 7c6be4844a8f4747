package dev.nodewatch.collectors.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A secret named by the file that holds it (a {@code *_file} key, usually a mounted Kubernetes Secret).
 *
 * <p>Only the path lives in the config; the contents are read when used, so they can never be printed with the
 * config, and rotated tokens (projected service-account tokens change every hour) are picked up without a
 * restart.
 */
public record Secret(Path file) {

  @JsonCreator
  public static Secret fromPath(String path) {
    if (path.isBlank()) {
      throw new IllegalArgumentException("must name a file, was empty");
    }
    return new Secret(Path.of(path));
  }

  /** Reads the secret, trimmed of the trailing newline editors and {@code kubectl create secret} leave behind. */
  public String read() throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8).strip();
  }

  /** A problem with the file, worded without its contents, or null when it can be read. */
  public String unreadableReason() {
    if (!Files.isRegularFile(file)) {
      return "cannot read \"" + file + "\": no such file";
    }
    if (!Files.isReadable(file)) {
      return "cannot read \"" + file + "\": permission denied";
    }
    return null;
  }

  @JsonValue
  @Override
  public String toString() {
    return file.toString();
  }
}

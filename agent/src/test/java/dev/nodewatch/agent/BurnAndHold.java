package dev.nodewatch.agent;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A child process for the live cgroup test: waits for "go" on stdin (sent once it is in the test's cgroup, so what
 * it does is charged there), touches 64 MiB, writes a file and reads it back with direct I/O (page-cache reads
 * would reach no block device, and buffered writes are written back by the kernel, outside the cgroup), says
 * "held", then burns CPU until killed.
 *
 * <p>Usage: {@code BurnAndHold <scratch file on a block device>}
 */
public final class BurnAndHold {

  private static final int IO_BYTES = 1 << 20;

  private BurnAndHold() {}

  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    if (!"go".equals(in.readLine())) {
      return;
    }
    byte[] held = new byte[64 << 20];
    for (int i = 0; i < held.length; i += 4096) {
      held[i] = 1;
    }
    ByteBuffer aligned = ByteBuffer.allocateDirect(IO_BYTES + 8192).alignedSlice(4096);
    aligned.limit(IO_BYTES);
    Path file = Path.of(args[0]);
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        ExtendedOpenOption.DIRECT)) {
      while (aligned.hasRemaining()) {
        out.write(aligned);
      }
    }
    aligned.clear().limit(IO_BYTES);
    try (FileChannel back = FileChannel.open(file, StandardOpenOption.READ, ExtendedOpenOption.DIRECT)) {
      while (aligned.hasRemaining() && back.read(aligned) > 0) {
        // read until the whole file is in
      }
    }
    System.out.println("held");
    System.out.flush();
    long spin = 0;
    while (held[(int) (spin & 0x3FF_FFFF)] >= 0) {
      spin = spin * 31 + 7;
    }
  }
}

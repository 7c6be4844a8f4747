package dev.nodewatch.collectors.kube;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Pod and container names as kubelet's log directories spell them, for naming cgroups when the kubelet cannot be
 * asked: {@code <root>/pods/<namespace>_<pod>_<uid>/} maps a pod UID to its names and
 * {@code <root>/containers/<pod>_<namespace>_<container>-<id>.log} a container id to its names. Listing the two
 * directories costs two {@code getdents} runs, not a stat per entry; it is redone only when asked about something
 * unknown and at most every {@code minRescan}, so a container that never logs (the pod sandbox) cannot make every
 * collection list them.
 */
public final class LogPathIndex {

  /** A pod or a container as its log path names it; {@code container} is empty for a pod. */
  public record Names(String namespace, String pod, String container) {}

  private final Path root;
  private final long minRescanNanos;
  private final LongSupplier nanoTime;
  private volatile Index index = new Index(Map.of(), Map.of());
  private long lastScanNanos;
  private boolean scanned;

  private record Index(Map<String, Names> byUid, Map<String, Names> byContainerId) {}

  public LogPathIndex(Path root, Duration minRescan, LongSupplier nanoTime) {
    this.root = root;
    this.minRescanNanos = minRescan.toNanos();
    this.nanoTime = nanoTime;
  }

  public Optional<Names> byUid(String uid) {
    return Optional.ofNullable(index.byUid().get(uid));
  }

  public Optional<Names> byContainerId(String containerId) {
    return Optional.ofNullable(index.byContainerId().get(containerId));
  }

  /** Lists the log directories again unless that was done less than {@code minRescan} ago. */
  public synchronized void rescanIfStale() throws IOException {
    long now = nanoTime.getAsLong();
    if (scanned && now - lastScanNanos < minRescanNanos) {
      return;
    }
    scanned = true;
    lastScanNanos = now;
    Map<String, Names> byUid = new HashMap<>();
    for (String name : list(root.resolve("pods"))) {
      String[] f = name.split("_", -1);
      if (f.length == 3 && !f[0].isEmpty() && !f[1].isEmpty() && !f[2].isEmpty()) {
        byUid.put(f[2], new Names(f[0], f[1], ""));
      }
    }
    Map<String, Names> byContainerId = new HashMap<>();
    for (String name : list(root.resolve("containers"))) {
      PodLogPath.parse("containers/" + name).ifPresent(p -> p.containerId().ifPresent(id ->
          byContainerId.put(id, new Names(p.namespace(), p.pod(), p.container()))));
    }
    index = new Index(Map.copyOf(byUid), Map.copyOf(byContainerId));
  }

  private static java.util.List<String> list(Path dir) throws IOException {
    java.util.List<String> names = new java.util.ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        names.add(entry.getFileName().toString());
      }
    } catch (NoSuchFileException e) {
      return names; // no containers on this machine yet (or not a Kubernetes node): nothing to name
    }
    return names;
  }
}

package dev.nodewatch.collectors.cgroup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Splits a list into at most {@code parallelism} contiguous slices, runs a task on each on an executor, and returns
 * the results in slice order, so work spread over threads still comes out in the list's order. Used for the two
 * halves of a container collection that are one system call per item: listing pod directories and reading cgroups.
 */
final class Slices {

  /** Work on one slice. */
  @FunctionalInterface
  interface Task<T, R> {
    R apply(List<T> slice) throws IOException;
  }

  private Slices() {}

  /** At least one slice, so an empty list still gives one (empty) result. */
  static <T, R> List<R> map(List<T> items, int parallelism, Executor executor, Task<T, R> task) throws IOException {
    int slices = Math.max(1, Math.min(parallelism, items.size()));
    List<CompletableFuture<R>> parts = new ArrayList<>(slices);
    for (int s = 0; s < slices; s++) {
      List<T> slice = items.subList(items.size() * s / slices, items.size() * (s + 1) / slices);
      parts.add(CompletableFuture.supplyAsync(() -> {
        try {
          return task.apply(slice);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }, executor));
    }
    List<R> out = new ArrayList<>(slices);
    for (CompletableFuture<R> part : parts) {
      try {
        out.add(part.join());
      } catch (CompletionException e) {
        if (e.getCause() instanceof UncheckedIOException io) {
          throw io.getCause();
        }
        throw e;
      }
    }
    return out;
  }
}

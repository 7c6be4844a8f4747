package dev.nodewatch.collectors.logs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Expands the {@code logs.include} globs into paths, less those matching a {@code logs.exclude} glob. Each include
 * is walked from its longest directory prefix without glob characters, only as deep as the pattern reaches, so
 * {@code /var/log/containers/*.log} lists one directory and nothing more.
 */
final class LogFileScanner {

  private record Include(Path base, int depth, PathMatcher matcher) {}

  private final List<Include> includes = new ArrayList<>();
  private final List<PathMatcher> excludes = new ArrayList<>();

  LogFileScanner(List<String> include, List<String> exclude) {
    for (String pattern : include) {
      Path base = Path.of("/");
      int depth = 0;
      boolean globbing = false;
      for (Path part : Path.of(pattern)) {
        if (!globbing && !hasGlob(part.toString())) {
          base = base.resolve(part);
        } else {
          globbing = true;
          depth++;
        }
      }
      includes.add(new Include(base, depth, matcher(pattern)));
    }
    exclude.forEach(pattern -> excludes.add(matcher(pattern)));
  }

  /** The directories whose changes may add or remove a match: where a scan should be triggered from. */
  List<Path> watchedDirectories() {
    return includes.stream().map(i -> i.depth() == 0 ? i.base().getParent() : i.base()).distinct().toList();
  }

  /** Every path matching an include and no exclude, in a stable order; missing directories match nothing. */
  Set<Path> scan() throws IOException {
    Set<Path> found = new LinkedHashSet<>();
    for (Include include : includes) {
      if (include.depth() == 0) {
        if (Files.exists(include.base(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          found.add(include.base());
        }
        continue;
      }
      try (Stream<Path> walk = Files.walk(include.base(), include.depth())) {
        walk.filter(p -> p.getNameCount() - include.base().getNameCount() == include.depth())
            .filter(include.matcher()::matches)
            .sorted()
            .forEach(found::add);
      } catch (NoSuchFileException e) {
        // the directory does not exist (yet): no container has logged on this node
      } catch (UncheckedIOException e) {
        // a directory vanished during the walk (a pod was deleted): the next scan sees the new state
        if (!(e.getCause() instanceof NoSuchFileException)) {
          throw e.getCause();
        }
      }
    }
    found.removeIf(this::excluded);
    return found;
  }

  /** Whether a path (the match, or the file it links to) is excluded. */
  boolean excluded(Path path) {
    for (PathMatcher exclude : excludes) {
      if (exclude.matches(path)) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasGlob(String part) {
    return part.indexOf('*') >= 0 || part.indexOf('?') >= 0 || part.indexOf('[') >= 0 || part.indexOf('{') >= 0;
  }

  private static PathMatcher matcher(String pattern) {
    return FileSystems.getDefault().getPathMatcher("glob:" + pattern);
  }
}

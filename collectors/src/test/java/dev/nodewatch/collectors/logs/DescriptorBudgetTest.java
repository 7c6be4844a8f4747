package dev.nodewatch.collectors.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real descriptors: which files are closed to stay under {@code max_open_files}, and when they want one back. */
class DescriptorBudgetTest {

  @TempDir
  Path dir;

  private final List<TailedFile> files = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (TailedFile f : files) {
      f.close();
    }
  }

  private TailedFile file(String name, String content, long offset, long lastActive) throws Exception {
    TailedFile f = OpenedFiles.tailed(Files.writeString(dir.resolve(name), content), offset, files.size());
    f.lastActiveNanos = lastActive;
    files.add(f);
    return f;
  }

  @Test
  void theLongestIdleFilesAtTheirEndAreParkedButNotOnesWithUnreadBytesOrBeingDrained() throws Exception {
    TailedFile oldest = file("a.log", "a\n", 2, 1);
    TailedFile unread = file("b.log", "b\n", 0, 2); // idle long, but not at its end
    TailedFile draining = file("c.log", "c\n", 2, 3);
    draining.letGo(3);
    TailedFile older = file("d.log", "d\n", 2, 4);
    TailedFile recent = file("e.log", "e\n", 2, 5);
    TailedFile keep = file("f.log", "f\n", 2, 0); // the one just opened
    DescriptorBudget budget = new DescriptorBudget(3);
    assertThat(budget.exceeded(DescriptorBudget.open(files))).isTrue();
    budget.makeRoom(files, keep);
    assertThat(files).filteredOn(TailedFile::isOpen).containsExactlyInAnyOrder(unread, draining, keep);
    assertThat(oldest.isOpen()).isFalse();
    assertThat(older.isOpen()).isFalse();
    assertThat(recent.isOpen()).isFalse();
    assertThat(DescriptorBudget.open(files)).isEqualTo(3);
  }

  @Test
  void underTheLimitNothingIsParked() throws Exception {
    file("a.log", "a\n", 2, 1);
    file("b.log", "b\n", 2, 2);
    new DescriptorBudget(2).makeRoom(files, null);
    assertThat(files).allMatch(TailedFile::isOpen);
  }

  @Test
  void aParkedFileThatGrowsOrLosesItsPathWantsItsDescriptorBack() throws Exception {
    TailedFile grows = file("a.log", "a\n", 2, 1);
    TailedFile rotated = file("b.log", "b\n", 2, 1);
    TailedFile quiet = file("c.log", "c\n", 2, 1);
    new DescriptorBudget(0).makeRoom(files, null);
    assertThat(files).noneMatch(TailedFile::isOpen);
    Files.writeString(grows.realPath, "more\n", java.nio.file.StandardOpenOption.APPEND);
    Files.move(rotated.realPath, dir.resolve("b.log.1"));
    files.forEach(DescriptorBudget::lookAtParked);
    assertThat(grows.wantsOpen()).isTrue();
    assertThat(rotated.wantsOpen()).isTrue();
    assertThat(quiet.wantsOpen()).isFalse();
  }
}

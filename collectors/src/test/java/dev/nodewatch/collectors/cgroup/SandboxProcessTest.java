package dev.nodewatch.collectors.cgroup;

import static dev.nodewatch.collectors.cgroup.CgroupTrees.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxProcessTest {

  private static final String POD = "kubepods/besteffort/pod1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d";

  @TempDir
  Path root;

  @TempDir
  Path proc;

  private boolean sandbox(String id) {
    write(root, "cgroup.controllers", "cpu memory\n");
    return new SandboxProcess(CgroupLayout.detect(root), proc)
        .test(new ContainerCgroup("1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d", id, null, Path.of(POD, id)));
  }

  @Test
  void aCgroupWhoseFirstProcessIsPauseIsTheSandbox() {
    write(root, POD + "/" + "a".repeat(64) + "/cgroup.procs", "4100\n");
    write(proc, "4100/comm", "pause\n");
    write(root, POD + "/" + "b".repeat(64) + "/cgroup.procs", "4200\n4201\n");
    write(proc, "4200/comm", "nginx\n");

    assertThat(sandbox("a".repeat(64))).isTrue();
    assertThat(sandbox("b".repeat(64))).isFalse();
  }

  @Test
  void anEmptyOrVanishedCgroupOrProcessIsNotTakenForTheSandbox() {
    write(root, POD + "/" + "c".repeat(64) + "/cgroup.procs", "");
    write(root, POD + "/" + "d".repeat(64) + "/cgroup.procs", "4300\n");

    assertThat(sandbox("c".repeat(64))).isFalse();
    assertThat(sandbox("d".repeat(64))).as("process exited meanwhile").isFalse();
    assertThat(sandbox("e".repeat(64))).as("cgroup removed").isFalse();
  }
}

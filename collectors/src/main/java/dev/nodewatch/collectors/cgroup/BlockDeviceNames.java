package dev.nodewatch.collectors.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The {@code /dev/<name>} cAdvisor prints in the {@code device} label for a block device's {@code major:minor}, from
 * the {@code <sysfs>/dev/block/<major>:<minor>} link (to {@code ../../devices/.../vda}). Remembered once found, since
 * numbers are not reused while a disk stays attached; a number sysfs does not know is shown as {@code major:minor}
 * and looked up again next time.
 */
public final class BlockDeviceNames implements Function<CgroupStats.DeviceIo, String> {

  private final Path sysfs;
  private final Map<String, String> names = new ConcurrentHashMap<>();

  public BlockDeviceNames(Path sysfs) {
    this.sysfs = sysfs;
  }

  @Override
  public String apply(CgroupStats.DeviceIo io) {
    String number = io.device();
    String known = names.get(number);
    if (known != null) {
      return known;
    }
    try {
      Path target = Files.readSymbolicLink(sysfs.resolve("dev/block").resolve(number));
      String name = "/dev/" + target.getFileName();
      names.put(number, name);
      return name;
    } catch (IOException | UnsupportedOperationException e) {
      return number; // not a block device sysfs lists (yet): the number still tells devices apart
    }
  }
}

package dev.nodewatch.collectors.logs;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How log lines are framed on disk; {@code auto} decides per file from its first line. */
public enum LogFormat {
  @JsonProperty("auto") AUTO,
  @JsonProperty("cri") CRI,
  @JsonProperty("docker") DOCKER,
  @JsonProperty("plain") PLAIN
}

package dev.nodewatch.agent.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nodewatch.collectors.cgroup.ContainersConfig;
import dev.nodewatch.collectors.config.ConfigProblems;
import dev.nodewatch.collectors.host.HostConfig;
import dev.nodewatch.collectors.kube.KubeletConfig;
import dev.nodewatch.collectors.logs.LogsConfig;
import dev.nodewatch.collectors.queue.QueueConfig;
import dev.nodewatch.exporters.forward.SinkConfig;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The whole configuration, as one YAML file maps onto it. Each section is the config record of the component that
 * reads it; missing sections and keys take the defaults documented in the README.
 *
 * @param shutdownDelay how long {@code /readyz} answers 503 after SIGTERM before components stop, so endpoint
 *     controllers and load balancers see the pod leave before its listeners close
 */
public record AgentConfig(
    String nodeName,
    String dataDir,
    String logLevel,
    Duration shutdownTimeout,
    Duration shutdownDelay,
    ServerConfig server,
    DebugConfig debug,
    HostConfig host,
    ContainersConfig containers,
    KubeletConfig kubelet,
    LogsConfig logs,
    QueueConfig queue,
    List<ObjectNode> sinks) {

  static final Set<String> LOG_LEVELS = Set.of("trace", "debug", "info", "warn", "error");

  /** Sink types this build can send to; each later sink package adds its name. */
  static final Set<String> SINK_TYPES = new java.util.TreeSet<>(Set.of("clickhouse", "file", "kafka", "stdout"));

  public AgentConfig {
    nodeName = nodeName == null ? "" : nodeName;
    dataDir = dataDir == null ? "/var/lib/nodewatch" : dataDir;
    logLevel = logLevel == null ? "info" : logLevel;
    shutdownTimeout = shutdownTimeout == null ? Duration.ofSeconds(20) : shutdownTimeout;
    shutdownDelay = shutdownDelay == null ? Duration.ZERO : shutdownDelay;
    server = server == null ? ServerConfig.defaults() : server;
    debug = debug == null ? DebugConfig.defaults() : debug;
    host = host == null ? HostConfig.defaults() : host;
    containers = containers == null ? ContainersConfig.defaults() : containers;
    kubelet = kubelet == null ? KubeletConfig.defaults() : kubelet;
    logs = logs == null ? LogsConfig.defaults() : logs;
    queue = queue == null ? QueueConfig.defaults() : queue;
    sinks = sinks == null ? List.of() : List.copyOf(sinks);
  }

  /** The same configuration with the node name filled in (from the host name when the file leaves it empty). */
  public AgentConfig withNodeName(String name) {
    return new AgentConfig(name, dataDir, logLevel, shutdownTimeout, shutdownDelay, server, debug, host,
        containers, kubelet, logs, queue, sinks);
  }

  /** Adds every problem with this configuration, each at its YAML path. */
  public void validate(ConfigProblems problems) {
    if (dataDir.isBlank()) {
      problems.add("data_dir", "must be set");
    }
    if (!LOG_LEVELS.contains(logLevel)) {
      problems.add("log_level", "unknown level \"" + logLevel + "\" (known: trace, debug, info, warn, error)");
    }
    if (shutdownTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
      problems.add("shutdown_timeout", "must be at least 1s, was " + shutdownTimeout.toMillis() + "ms");
    }
    if (shutdownDelay.compareTo(shutdownTimeout) >= 0) {
      problems.add("shutdown_delay", "must be shorter than shutdown_timeout");
    }
    server.validate("server", problems);
    debug.validate("debug", problems);
    host.validate("host", problems);
    containers.validate("containers", problems);
    kubelet.validate("kubelet", problems);
    logs.validate("logs", problems);
    queue.validate("queue", problems);
    validateSinks(problems);
  }

  private void validateSinks(ConfigProblems problems) {
    Set<String> names = new java.util.HashSet<>();
    for (int i = 0; i < sinks.size(); i++) {
      ObjectNode sink = sinks.get(i);
      String at = "sinks[" + i + "]";
      String type = sink.path("type").asText("");
      if (type.isEmpty()) {
        problems.add(at + ".type", "must be set");
        continue;
      }
      if (!SINK_TYPES.contains(type)) {
        problems.add(at + ".type", "unknown sink \"" + type + "\" (known: " + String.join(", ", SINK_TYPES) + ")");
        continue;
      }
      String name = sink.path("name").asText("");
      if (!name.isEmpty() && !names.add(name)) {
        problems.add(at + ".name", "\"" + name + "\" is used by another sink (each names its own queue reader)");
      }
      try {
        ConfigMapper.yaml().treeToValue(sink, SinkConfig.class).validate(at, problems);
      } catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
        problems.add(at + "." + e.getPropertyName(), "unknown key");
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        problems.add(at, e.getOriginalMessage());
      }
    }
  }

  /** The {@code i}th sink as its typed configuration; call after {@link #validate}. */
  public SinkConfig sinkConfig(int i) {
    try {
      return ConfigMapper.yaml().treeToValue(sinks.get(i), SinkConfig.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(e.getOriginalMessage(), e);
    }
  }
}

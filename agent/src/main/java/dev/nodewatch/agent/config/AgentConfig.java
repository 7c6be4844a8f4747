package dev.nodewatch.agent.config;

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
    List<SinkConfig> sinks) {

  static final Set<String> LOG_LEVELS = Set.of("trace", "debug", "info", "warn", "error");

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
    // an entry whose type is missing or unknown is null, its problem recorded as it was read: the load fails
    sinks = sinks == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(sinks));
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
      SinkConfig sink = sinks.get(i);
      if (sink == null) {
        continue; // its type was missing or unknown: said when it was read
      }
      String at = "sinks[" + i + "]";
      String name = sink.name();
      if (name != null && !name.isEmpty() && !names.add(name)) {
        problems.add(at + ".name", "\"" + name + "\" is used by another sink (each names its own queue reader)");
      }
      sink.validate(at, problems);
    }
  }
}

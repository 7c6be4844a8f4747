package dev.nodewatch.agent;

import dev.nodewatch.agent.config.AgentConfig;
import dev.nodewatch.agent.config.ConfigException;
import dev.nodewatch.agent.config.ConfigLoader;
import dev.nodewatch.agent.config.ConfigMapper;
import dev.nodewatch.agent.logging.JsonLogging;
import dev.nodewatch.collectors.queue.DeadLetterQueue;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The command line: {@code nodewatch [--config FILE] [--check-config] [--dead-letters SINK] [--version] [--help]}.
 *
 * <p>Exit status: 0 after a clean shutdown or a valid {@code --check-config}; 1 when the agent cannot start, a
 * component fails to stop, or stopping exceeds {@code shutdown_timeout}; 2 for a bad command line or configuration,
 * with nothing started.
 */
public final class Main {

  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  private static final String USAGE_TEXT = """
      usage: nodewatch [--config FILE] [--check-config] [--dead-letters SINK] [--version] [--help]

        --config FILE    YAML configuration (default: the embedded default, see the README)
        --check-config   validate the configuration, print it with defaults filled in, and exit (0 valid, 2 not)
        --dead-letters SINK
                         print the records SINK refused for good (its dead-letter queue under data_dir), one
                         JSON object per line with the reason, and exit; safe while the agent runs
        --version        print the version and exit
        --help           print this text and exit
      """;

  private Main() {}

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    if (code >= 0) {
      System.exit(code);
    }
  }

  /** Runs the command; returns an exit status, or -1 when the agent is running and exits on a signal. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Path configFile = null;
    boolean checkOnly = false;
    String deadLettersOf = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--help", "-h" -> {
          out.print(USAGE_TEXT);
          return OK;
        }
        case "--version" -> {
          out.println("nodewatch " + Version.current());
          return OK;
        }
        case "--check-config" -> checkOnly = true;
        case "--dead-letters" -> {
          if (i + 1 >= args.length) {
            err.println("--dead-letters needs a sink name");
            err.print(USAGE_TEXT);
            return USAGE;
          }
          deadLettersOf = args[++i];
        }
        case "--config" -> {
          if (i + 1 >= args.length) {
            err.println("--config needs a file name");
            err.print(USAGE_TEXT);
            return USAGE;
          }
          configFile = Path.of(args[++i]);
        }
        default -> {
          err.println("unknown argument: " + args[i]);
          err.print(USAGE_TEXT);
          return USAGE;
        }
      }
    }

    AgentConfig config;
    ConfigLoader loader = new ConfigLoader(System.getenv(), Main::hostName);
    try {
      config = configFile == null ? loader.loadEmbeddedDefault() : loader.load(configFile);
    } catch (ConfigException e) {
      err.println(e.getMessage());
      return USAGE;
    }
    if (deadLettersOf != null) {
      return printDeadLetters(config, deadLettersOf, out, err);
    }
    if (checkOnly) {
      try {
        out.print(ConfigMapper.yaml().writeValueAsString(config));
      } catch (IOException e) {
        err.println("cannot print the configuration: " + e.getMessage());
        return FAILED;
      }
      return OK;
    }
    return startAgent(config);
  }

  private static int printDeadLetters(AgentConfig config, String sink, PrintStream out, PrintStream err) {
    Path dir = LogShipping.deadLetterDir(config, sink);
    if (!Files.isDirectory(dir)) {
      err.println("no dead-letter queue for sink \"" + sink + "\" at " + dir);
      return FAILED;
    }
    try (DeadLetterQueue queue = DeadLetterQueue.open(dir, Integer.MAX_VALUE)) {
      queue.forEach(out::println);
    } catch (IOException | RuntimeException e) {
      err.println("cannot read " + dir + ": " + e);
      return FAILED;
    }
    return OK;
  }

  private static int startAgent(AgentConfig config) {
    JsonLogging.setLevel(config.logLevel());
    Logger log = LoggerFactory.getLogger(Main.class);
    AtomicBoolean stopping = new AtomicBoolean();
    AtomicReference<Agent> running = new AtomicReference<>();
    Runnable stop = () -> {
      if (stopping.compareAndSet(false, true)) {
        Agent agent = running.get();
        System.exit(agent == null || agent.shutdown() ? OK : FAILED);
      }
    };
    // A plain shutdown hook would make the JVM exit with 143 on SIGTERM; Kubernetes and systemd read a clean
    // stop as status 0, so the agent handles the signal itself, from before it is built, and exits with the
    // outcome of its shutdown.
    Signal.handle(new Signal("TERM"), sig -> stop.run());
    Signal.handle(new Signal("INT"), sig -> stop.run());
    Agent agent = new Agent(config, Version.current(), Clock.systemUTC());
    running.set(agent);
    try {
      agent.start().toCompletionStage().toCompletableFuture().get();
    } catch (Exception e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      log.error("nodewatch could not start: {}", cause.getMessage(), cause);
      if (stopping.compareAndSet(false, true)) {
        agent.shutdown();
        return FAILED;
      }
      return -1;
    }
    return -1;
  }

  private static String hostName() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      String fromEnv = System.getenv("HOSTNAME");
      return fromEnv == null || fromEnv.isBlank() ? "localhost" : fromEnv;
    }
  }
}

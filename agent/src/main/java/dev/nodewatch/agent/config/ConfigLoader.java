package dev.nodewatch.agent.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.nodewatch.collectors.config.ConfigProblems;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reads the agent's YAML configuration: parse, substitute environment variables, map onto the config records,
 * validate. Every problem is collected and reported together, each at its YAML path.
 */
public final class ConfigLoader {

  /** The configuration used when no {@code --config} is given: works on any Linux machine, no cluster needed. */
  public static final String EMBEDDED_DEFAULT = "nodewatch-default.yaml";

  private final Map<String, String> env;
  private final Supplier<String> hostName;
  private final YAMLMapper mapper = ConfigMapper.yaml();

  public ConfigLoader(Map<String, String> env, Supplier<String> hostName) {
    this.env = env;
    this.hostName = hostName;
  }

  public AgentConfig load(Path file) throws ConfigException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      ConfigProblems problems = new ConfigProblems();
      problems.add("", "cannot read " + file + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
      throw new ConfigException(file.toString(), problems.all());
    }
    return parse(text, file.toString());
  }

  public AgentConfig loadEmbeddedDefault() throws ConfigException {
    try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(EMBEDDED_DEFAULT)) {
      if (in == null) {
        throw new IllegalStateException(EMBEDDED_DEFAULT + " is missing from the jar");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "(embedded default)");
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the embedded default configuration", e);
    }
  }

  /** Parses YAML text; {@code source} names it in the error message. */
  public AgentConfig parse(String yaml, String source) throws ConfigException {
    ConfigProblems problems = new ConfigProblems();
    JsonNode tree = readTree(yaml, problems);
    if (tree == null) {
      throw new ConfigException(source, problems.all());
    }
    new EnvSubstitution(env).apply(tree, "", problems);
    AgentConfig config = null;
    try {
      config = mapper.readerFor(AgentConfig.class)
          .withHandler(new ProblemRecorder(problems))
          .readValue(tree);
    } catch (DatabindException e) {
      problems.add(pathOf(e), e.getOriginalMessage());
    } catch (IOException e) {
      problems.add("", e.getMessage());
    }
    if (config != null) {
      config.validate(problems);
    }
    if (!problems.isEmpty() || config == null) {
      throw new ConfigException(source, problems.all());
    }
    return config.nodeName().isEmpty() ? config.withNodeName(hostName.get()) : config;
  }

  private JsonNode readTree(String yaml, ConfigProblems problems) {
    try {
      JsonNode tree = mapper.readTree(yaml);
      if (tree == null || tree instanceof MissingNode || tree.isNull()) {
        return mapper.createObjectNode();
      }
      if (!(tree instanceof ObjectNode)) {
        problems.add("", "the configuration must be a YAML mapping, was " + tree.getNodeType().toString()
            .toLowerCase(java.util.Locale.ROOT));
        return null;
      }
      return tree;
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      problems.add("", "not valid YAML" + where + ": " + e.getOriginalMessage().lines().findFirst().orElse(""));
      return null;
    }
  }

  private static String pathOf(DatabindException e) {
    StringBuilder out = new StringBuilder();
    if (e instanceof JsonMappingException mapping) {
      for (JsonMappingException.Reference ref : mapping.getPath()) {
        if (ref.getFieldName() != null) {
          out.append(out.length() == 0 ? "" : ".").append(ref.getFieldName());
        } else if (ref.getIndex() >= 0) {
          out.append('[').append(ref.getIndex()).append(']');
        }
      }
    }
    return out.toString();
  }
}

package dev.nodewatch.agent.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import dev.nodewatch.collectors.config.ConfigProblems;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.TreeSet;

/**
 * Turns every mapping failure into a recorded problem at its YAML path and lets Jackson carry on, so one load
 * reports all problems of a file instead of the first.
 */
final class ProblemRecorder extends DeserializationProblemHandler {

  private final ConfigProblems problems;
  /** The YAML path of the node being read, when it is read on its own (a sink's options): prefixed to each path. */
  private final String prefix;
  /** Keys also valid where this node is (its siblings read into another record), for "known: …" lists. */
  private final Collection<String> alsoKnown;

  ProblemRecorder(ConfigProblems problems) {
    this(problems, "", List.of());
  }

  private ProblemRecorder(ConfigProblems problems, String prefix, Collection<String> alsoKnown) {
    this.problems = problems;
    this.prefix = prefix;
    this.alsoKnown = alsoKnown;
  }

  /**
   * A recorder for a mapping at {@code path} read apart from the tree it is in, part of whose keys go to another
   * record ({@code alsoKnown}): a sink entry's common keys and its type's own.
   */
  ProblemRecorder under(String path, Collection<String> alsoKnown) {
    return new ProblemRecorder(problems, ConfigProblems.path(prefix, path), alsoKnown);
  }

  ConfigProblems problems() {
    return problems;
  }

  @Override
  public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
      Object beanOrClass, String propertyName) throws IOException {
    String path = at(p.getParsingContext());
    if (!path.endsWith(propertyName)) {
      path = ConfigProblems.path(path, propertyName);
    }
    Collection<Object> known = deserializer == null ? null : deserializer.getKnownPropertyNames();
    String knownList = "";
    if (known != null) {
      TreeSet<String> names = new TreeSet<>(known.stream().map(String::valueOf).toList());
      String within = pathOf(p.getParsingContext());
      if (!within.contains(".") && !within.contains("[")) {
        names.addAll(alsoKnown); // a key of the mapping read apart itself, not of a mapping inside it
      }
      knownList = " (known: " + String.join(", ", names) + ")";
    }
    problems.add(path, "unknown key" + knownList);
    p.skipChildren();
    return true;
  }

  @Override
  public Object handleWeirdStringValue(DeserializationContext ctxt, Class<?> targetType, String valueToConvert,
      String failureMsg) {
    String path = at(ctxt.getParser().getParsingContext());
    if (targetType.isEnum()) {
      problems.add(path, "unknown value \"" + valueToConvert + "\" (known: " + String.join(", ",
          enumNames(targetType)) + ")");
    } else {
      problems.add(path, "must be " + describe(targetType) + ", was \"" + valueToConvert + "\"");
    }
    return null;
  }

  @Override
  public Object handleWeirdNumberValue(DeserializationContext ctxt, Class<?> targetType, Number valueToConvert,
      String failureMsg) {
    problems.add(at(ctxt.getParser().getParsingContext()),
        "must be " + describe(targetType) + ", was " + valueToConvert);
    return null;
  }

  @Override
  public Object handleUnexpectedToken(DeserializationContext ctxt, JavaType targetType, JsonToken t, JsonParser p,
      String failureMsg) throws IOException {
    JsonStreamContext context = p.getParsingContext();
    if (t == JsonToken.START_ARRAY || t == JsonToken.START_OBJECT) {
      // On a container's start token the parsing context is already the container itself, so its path is the
      // parent's. Scalar deserializers may also have peeked at the first element (to unwrap one-element lists)
      // before giving up: skip whatever is left of the container.
      JsonStreamContext parent = context.getParent();
      problems.add(at(parent), "must be " + describe(targetType.getRawClass()) + ", was " + describe(t));
      if (p.currentToken() == t) {
        p.skipChildren();
      } else {
        while (p.getParsingContext() != parent && p.currentToken() != null) {
          if (p.nextToken() == JsonToken.START_ARRAY || p.currentToken() == JsonToken.START_OBJECT) {
            p.skipChildren();
          }
        }
      }
      return null;
    }
    problems.add(at(context), "must be " + describe(targetType.getRawClass()) + ", was " + describe(t));
    p.skipChildren();
    return null;
  }

  @Override
  public Object handleInstantiationProblem(DeserializationContext ctxt, Class<?> instClass, Object argument,
      Throwable t) {
    Throwable cause = t;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    problems.add(at(ctxt.getParser().getParsingContext()), cause.getMessage());
    return null;
  }

  @Override
  public Object handleMissingInstantiator(DeserializationContext ctxt, Class<?> instClass,
      ValueInstantiator valueInsta, JsonParser p, String msg) throws IOException {
    problems.add(at(p.getParsingContext()),
        "must be " + describe(instClass) + ", was " + describe(p.currentToken()));
    p.skipChildren();
    return null;
  }

  /** The path of {@code context} in the whole file. */
  private String at(JsonStreamContext context) {
    String path = pathOf(context);
    if (prefix.isEmpty()) {
      return path;
    }
    return path.isEmpty() ? prefix : path.startsWith("[") ? prefix + path : prefix + "." + path;
  }

  /** {@code sinks[1].type}, from Jackson's parsing context. */
  static String pathOf(JsonStreamContext context) {
    Deque<String> parts = new ArrayDeque<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        // A context whose index is still -1 is a list the parser has just entered: the path is the list itself.
        if (c.getCurrentIndex() >= 0) {
          parts.push("[" + c.getCurrentIndex() + "]");
        }
      } else if (c.inObject() && c.getCurrentName() != null) {
        parts.push("." + c.getCurrentName());
      }
    }
    String joined = String.join("", parts);
    return joined.startsWith(".") ? joined.substring(1) : joined;
  }

  private static List<String> enumNames(Class<?> type) {
    List<String> names = new ArrayList<>();
    for (Object constant : type.getEnumConstants()) {
      try {
        JsonProperty property = type.getField(((Enum<?>) constant).name()).getAnnotation(JsonProperty.class);
        names.add(property == null ? constant.toString() : property.value());
      } catch (NoSuchFieldException e) {
        throw new IllegalStateException("enum constant without a field: " + constant, e);
      }
    }
    return names;
  }

  private static String describe(Class<?> type) {
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
      return "a number";
    }
    if (type == String.class) {
      return "a string";
    }
    if (Collection.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (type.isRecord()) {
      return "a mapping";
    }
    return "a " + type.getSimpleName().toLowerCase(java.util.Locale.ROOT);
  }

  private static String describe(JsonToken token) {
    if (token == null) {
      return "nothing";
    }
    return switch (token) {
      case START_ARRAY -> "a list";
      case START_OBJECT -> "a mapping";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> token.asString() == null ? token.name() : token.asString();
    };
  }
}

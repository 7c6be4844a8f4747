package dev.nodewatch.agent.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.LinkedNode;
import dev.nodewatch.collectors.config.ConfigProblems;
import dev.nodewatch.exporters.forward.SinkConfig;
import dev.nodewatch.exporters.forward.SinkOptions;
import dev.nodewatch.exporters.forward.SinkSettings;
import dev.nodewatch.exporters.forward.SinkType;
import dev.nodewatch.exporters.sink.SinkTypes;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Maps one {@code sinks:} entry onto its typed {@link SinkConfig}, once: the keys every sink has onto
 * {@link SinkSettings}, the rest (but {@code type}) onto the options record of the sink type {@code type} names.
 * Problems are recorded at their YAML path ({@code sinks[2].batch.max_events}) like every other key's; an entry
 * whose type is missing or unknown maps to null, its problem recorded. Written back flat, as it was read.
 */
final class SinkConfigReader {

  private SinkConfigReader() {}

  static final class Deserializer extends JsonDeserializer<SinkConfig> {

    private final SinkTypes types;

    Deserializer(SinkTypes types) {
      this.types = types;
    }

    @Override
    public SinkConfig deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      // on the entry's start token the context is the entry itself: the path is its parent's (sinks[i])
      String at = ProblemRecorder.pathOf(p.getParsingContext().getParent());
      JsonNode entry = p.readValueAsTree();
      ProblemRecorder recorder = recorder(ctxt);
      ConfigProblems problems = recorder.problems();
      if (!(entry instanceof ObjectNode node)) {
        problems.add(at, "must be a mapping with a type");
        return null;
      }
      String typeName = node.path("type").asText("");
      if (typeName.isEmpty()) {
        problems.add(ConfigProblems.path(at, "type"), "must be set");
        return null;
      }
      SinkType<?> type = types.find(typeName);
      if (type == null) {
        problems.add(ConfigProblems.path(at, "type"), "unknown sink \"" + typeName + "\" (known: "
            + String.join(", ", types.names()) + ")");
        return null;
      }
      ObjectNode common = node.objectNode();
      ObjectNode own = node.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (SinkSettings.KEYS.contains(field.getKey())) {
          common.set(field.getKey(), field.getValue());
        } else if (!field.getKey().equals("type")) {
          own.set(field.getKey(), field.getValue());
        }
      }
      ObjectReader reader = p.getCodec() instanceof ObjectReader r ? r : ((ObjectMapper) p.getCodec()).reader();
      SinkSettings settings = read(reader, common, SinkSettings.class, at, recorder.under(at, List.of()));
      java.util.Set<String> besides = new java.util.TreeSet<>(SinkSettings.KEYS);
      besides.add("type");
      SinkOptions options = read(reader, own, type.optionsClass(), at, recorder.under(at, besides));
      return settings == null || options == null ? null : new SinkConfig(typeName, settings, options);
    }

    private static <T> T read(ObjectReader reader, ObjectNode node, Class<T> target, String at,
        ProblemRecorder recorder) {
      try {
        // this recorder first: it answers for the node read apart, with the node's path before each problem's
        return reader.forType(target).withHandler(recorder).readValue(node);
      } catch (DatabindException e) {
        recorder.problems().add(at, e.getOriginalMessage());
        return null;
      } catch (IOException e) {
        recorder.problems().add(at, e.getMessage());
        return null;
      }
    }

    private static ProblemRecorder recorder(DeserializationContext ctxt) {
      for (LinkedNode<DeserializationProblemHandler> h = ctxt.getConfig().getProblemHandlers(); h != null;
          h = h.next()) {
        if (h.value() instanceof ProblemRecorder recorder) {
          return recorder;
        }
      }
      throw new IllegalStateException("sinks are read by ConfigLoader, which records problems");
    }
  }

  /** The entry as it was written: {@code type}, the common keys, then the type's own. */
  static final class Serializer extends JsonSerializer<SinkConfig> {
    @Override
    public void serialize(SinkConfig sink, JsonGenerator gen, SerializerProvider serializers) throws IOException {
      ObjectMapper mapper = gen.getCodec() instanceof ObjectMapper m ? m : ConfigMapper.json();
      ObjectNode flat = mapper.createObjectNode();
      flat.put("type", sink.type());
      flat.setAll((ObjectNode) mapper.valueToTree(sink.settings()));
      flat.setAll((ObjectNode) mapper.valueToTree(sink.options()));
      gen.writeTree(flat);
    }
  }
}

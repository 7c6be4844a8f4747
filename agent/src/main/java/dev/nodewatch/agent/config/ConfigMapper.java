package dev.nodewatch.agent.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.nodewatch.collectors.config.Durations;
import java.io.IOException;
import java.time.Duration;

/** The Jackson set-up shared by reading the YAML file and printing the effective configuration. */
public final class ConfigMapper {

  private ConfigMapper() {}

  /** Reads and writes YAML with snake_case keys, units for durations and sizes, unknown keys as errors. */
  public static YAMLMapper yaml() {
    YAMLMapper mapper = YAMLMapper.builder(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .build())
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .build();
    configure(mapper);
    return mapper;
  }

  /** Writes the same configuration as JSON (for {@code /debug/config}). */
  public static ObjectMapper json() {
    ObjectMapper mapper = new ObjectMapper();
    configure(mapper);
    return mapper;
  }

  private static void configure(ObjectMapper mapper) {
    mapper.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    mapper.enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);
    mapper.disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    SimpleModule units = new SimpleModule("nodewatch-units");
    units.addDeserializer(Duration.class, new DurationDeserializer());
    units.addSerializer(Duration.class, new DurationSerializer());
    units.addDeserializer(dev.nodewatch.exporters.forward.SinkConfig.class,
        new SinkConfigReader.Deserializer(dev.nodewatch.exporters.sink.SinkTypes.builtIn()));
    units.addSerializer(dev.nodewatch.exporters.forward.SinkConfig.class, new SinkConfigReader.Serializer());
    mapper.registerModule(units);
  }

  private static final class DurationDeserializer extends JsonDeserializer<Duration> {
    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_NUMBER_INT && p.getLongValue() == 0) {
        return Duration.ZERO;
      }
      String text = p.getValueAsString();
      if (text == null) {
        return (Duration) ctxt.handleUnexpectedToken(Duration.class, p);
      }
      try {
        return Durations.parse(text);
      } catch (IllegalArgumentException e) {
        return (Duration) ctxt.handleWeirdStringValue(Duration.class, text, e.getMessage());
      }
    }
  }

  private static final class DurationSerializer extends JsonSerializer<Duration> {
    @Override
    public void serialize(Duration value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
      gen.writeString(Durations.format(value));
    }
  }
}

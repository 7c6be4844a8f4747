package dev.nodewatch.exporters.forward;

import java.io.IOException;

/**
 * One kind of sink, as {@code type:} names it: the record its own keys map onto, and how a sink is opened from
 * them. A pipeline opens one sink per batch in flight; each is its own connection or writer. Each sink class
 * declares its type as {@code TYPE}.
 */
public record SinkType<O extends SinkOptions>(String name, Class<O> optionsClass, Opener<O> opener) {

  /** Opens one sink of this type. */
  @FunctionalInterface
  public interface Opener<O> {
    Sink open(SinkSettings settings, O options, SinkContext context) throws IOException;
  }

  public Sink open(SinkSettings settings, SinkOptions options, SinkContext context) throws IOException {
    return opener.open(settings, optionsClass.cast(options), context);
  }
}

package dev.nodewatch.exporters.forward;

import java.util.List;

/**
 * Where a pipeline delivers records. {@link #send} returns once the destination has accepted every record of the
 * batch but those it lists as refused for good; it throws when the batch as a whole was not accepted, saying
 * whether to try again. A pipeline with {@code concurrency} N opens N sinks and uses each from one thread at a time;
 * {@link #check} may be called from any thread.
 */
public interface Sink extends AutoCloseable {

  /** A record the destination refused for good, by its position in the batch, and why. */
  record Rejection(int position, String reason) {}

  List<Rejection> send(SinkBatch batch) throws SinkException;

  /**
   * Whether the destination is reachable and its target (topic, table, file) exists or can be made; throws when
   * not, with what is wrong; returns what it found, in a few words.
   */
  String check() throws SinkException;

  @Override
  void close() throws Exception;
}

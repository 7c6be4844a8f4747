package dev.nodewatch.exporters.forward;

import dev.nodewatch.collectors.queue.QueueReader;
import java.util.ArrayDeque;

/**
 * Acknowledges polled batches in the order they were polled, whatever order their senders finish in: a batch
 * done out of order waits for those before it, so the committed index never passes a batch still in flight and a
 * restart never skips one. Thread-safe; {@link #polled} must be called in polling order.
 */
final class InOrderAcks {

  /** A polled batch until it is acknowledged. */
  static final class Ticket {
    final long lastIndex;
    boolean done;

    private Ticket(long lastIndex) {
      this.lastIndex = lastIndex;
    }
  }

  private final QueueReader reader;
  private final ArrayDeque<Ticket> inFlight = new ArrayDeque<>();

  InOrderAcks(QueueReader reader) {
    this.reader = reader;
  }

  /** A batch of queue documents up to {@code lastIndex} was polled. */
  synchronized Ticket polled(long lastIndex) {
    Ticket ticket = new Ticket(lastIndex);
    inFlight.addLast(ticket);
    return ticket;
  }

  /** The sink has dealt with a batch: every done batch at the head is acknowledged, never past a gap. */
  synchronized void done(Ticket ticket) {
    ticket.done = true;
    Ticket head;
    while ((head = inFlight.peekFirst()) != null && head.done) {
      inFlight.removeFirst();
      reader.ack(head.lastIndex);
    }
  }

  synchronized int inFlight() {
    return inFlight.size();
  }
}

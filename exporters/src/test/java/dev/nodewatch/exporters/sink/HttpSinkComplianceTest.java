package dev.nodewatch.exporters.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nodewatch.exporters.forward.SinkConfig;
import dev.nodewatch.exporters.forward.SinkSettings;
import dev.nodewatch.exporters.testing.FaultyFront;
import io.vertx.core.Vertx;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The compliance suite for sinks on the shared HTTP transport: the sink talks to its real server through a
 * {@link FaultyFront}, which answers the status codes, resets and silences a real server gives only on a bad day.
 * The shared status table decides what becomes of the batch; this checks each row of it end to end, through the
 * sink's own error handling.
 */
public abstract class HttpSinkComplianceTest extends SinkComplianceTest {

  protected static Vertx vertx;
  protected FaultyFront front;

  /** The real server's base URL. */
  protected abstract URI upstream();

  /**
   * The sink entry sending to {@code endpoint} (the front), with a request timeout of {@link #TIMEOUT} and the
   * compression it defaults to.
   */
  protected abstract SinkConfig config(String target, SinkSettings settings, String endpoint) throws Exception;

  /** The {@code Content-Encoding} its records travel with by default. */
  protected abstract String contentEncoding();

  protected static final Duration TIMEOUT = Duration.ofSeconds(2);

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    vertx.close();
  }

  @BeforeEach
  void startFront() throws Exception {
    // this suite's records say " of web-"; a sink's own queries and checks never do
    front = FaultyFront.start(vertx, upstream(), body -> body.contains(" of web-") || body.contains("POISON"));
  }

  @AfterEach
  void stopFront() throws Exception {
    front.close();
  }

  @Override
  protected final SinkConfig config(String target, SinkSettings settings) throws Exception {
    return config(target, settings, front.url());
  }

  @Override
  protected void beginOutage() throws Exception {
    front.down();
  }

  @Override
  protected void endOutage() throws Exception {
    front.up();
  }

  @Override
  protected void assertCompressedOnTheWire(SinkConfig config) throws Exception {
    List<FaultyFront.Seen> deliveries = front.deliveries();
    assertThat(deliveries).isNotEmpty().allSatisfy(request -> {
      assertThat(request.headers().get("Content-Encoding")).isEqualTo(contentEncoding());
      assertThat(request.raw().length()).isLessThan(request.decoded().length() / 3);
    });
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
      "401, , unauthorized",
      "403, , unauthorized",
      "404, , not_found",
      "408, , timeout",
      "429, , throttled",
      "429, 1, throttled",
      "500, , http_5xx",
      "502, , http_5xx",
      "503, , http_5xx",
      "503, 1, throttled",
      "504, , http_5xx"})
  void aStatusThatAsksForARetryIsRetriedAndNothingIsLostOrDeadLettered(int status, String retryAfter,
      String reason) throws Exception {
    SinkConfig config = config(target(), settings(1_000));
    if (retryAfter == null) {
      front.failNext(2, status, "the server says no (" + status + ")");
    } else {
      front.failNext(2, status, "slow down", "Retry-After", retryAfter);
    }
    write(1, 1_000, null);
    start(config);
    await(() -> queue.reader(config.name()).lagDocuments() == 0, "delivered after the refusals");
    assertOnce(delivered(config), 1, 1_000);
    assertThat(metrics.failedEvents()).containsKey(reason);
    assertThat(metrics.retries()).isGreaterThanOrEqualTo(2);
    assertThat(metrics.deadLetteredEvents()).isZero();
    List<FaultyFront.Seen> tries = front.deliveries();
    assertThat(tries.get(0).fault()).isEqualTo("status " + status);
    if (retryAfter != null) {
      long waited = tries.get(2).nanos() - tries.get(1).nanos();
      assertThat(Duration.ofNanos(waited)).as("Retry-After honoured").isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }
  }

  @ParameterizedTest
  @CsvSource({"400", "422"})
  void aRefusalOfTheRecordsDeadLettersThemWithTheServersReasonAndTheOthersArrive(int status) throws Exception {
    SinkConfig config = config(target(), settings(1_000));
    front.fail((request, body) -> {
      if (!body.contains("POISON")) {
        return null;
      }
      request.response().setStatusCode(status).end("{\"error\":\"entry refused: poison line\"}");
      return "status " + status;
    });
    write(2, 500, POISON);
    start(config);
    await(() -> metrics.deadLetteredEvents() == 2 && queue.reader(config.name()).lagDocuments() == 0,
        "two dead-lettered, the rest acknowledged");
    assertThat(delivered(config)).hasSize(998);
    assertThat(deadLetterEntries()).hasSize(2).allSatisfy(entry -> {
      assertThat(entry.path("record").path("message").asText()).isEqualTo(POISON);
      assertThat(entry.path("error").asText()).contains("HTTP " + status).contains("entry refused: poison line");
    });
  }

  @Test
  void aRequestTooLargeIsSplitAndASingleRecordStillTooLargeIsDeadLettered() throws Exception {
    SinkConfig config = config(target(), settings(1_000));
    front.fail((request, body) -> {
      long records = body.lines().filter(line -> line.contains(" of web-") || line.contains("POISON")).count();
      if (records <= 100 && !body.contains("POISON")) {
        return null;
      }
      request.response().setStatusCode(413).end("request entity too large");
      return "status 413";
    });
    write(1, 1_000, POISON);
    start(config);
    await(() -> metrics.deadLetteredEvents() == 1 && queue.reader(config.name()).lagDocuments() == 0,
        "split until accepted, the one too large dead-lettered");
    assertThat(delivered(config)).hasSize(999).doesNotHaveDuplicates();
    assertThat(deadLetterEntries()).singleElement().satisfies(entry ->
        assertThat(entry.path("reason").asText()).isEqualTo("too_large"));
  }

  @ParameterizedTest
  @CsvSource({"reset, connection", "hang, timeout"})
  void anAnswerThatNeverCompletesIsRetried(String fault, String reason) throws Exception {
    SinkConfig config = config(target(), settings(1_000));
    if (fault.equals("reset")) {
      front.resetNext(2);
    } else {
      front.hangNext(1);
    }
    write(1, 1_000, null);
    start(config);
    await(() -> queue.reader(config.name()).lagDocuments() == 0, "delivered after the " + fault);
    assertThat(new java.util.HashSet<>(delivered(config))).hasSize(1_000);
    assertThat(metrics.failedEvents()).containsKey(reason);
    assertThat(metrics.deadLetteredEvents()).isZero();
  }

  @Test
  void aServerEchoingTheCredentialInItsErrorDoesNotPutItInTheAgentsErrors() throws Exception {
    String secret = "echoed-" + Long.toHexString(System.nanoTime());
    Path secretFile = Files.writeString(complianceDir.resolve("echoed"), secret);
    SinkConfig config = withSecret(config(target(), settings(100)), secretFile);
    org.junit.jupiter.api.Assumptions.assumeTrue(config != null, "this sink sends no credential");
    front.failEveryRequest((request, body) -> {
      String authorization = String.valueOf(request.getHeader("Authorization"));
      String decoded = authorization.startsWith("Basic ")
          ? new String(Base64.getDecoder().decode(authorization.substring(6))) : authorization;
      request.response().setStatusCode(401).end("bad credentials: " + authorization + " = " + decoded);
      return "status 401";
    });
    write(1, 200, null);
    start(config);
    await(() -> metrics.retries() >= 2, "refused");
    assertThat(front.seen().get(0).headers().get("Authorization")).isNotNull();
    assertThat(List.of(pipeline.lastError(), pipeline.health().detail()))
        .allSatisfy(text -> assertThat(text).doesNotContain(secret))
        .anySatisfy(text -> assertThat(text).contains("<redacted>"));
  }
}

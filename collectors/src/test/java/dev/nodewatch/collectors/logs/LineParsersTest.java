package dev.nodewatch.collectors.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LineParsersTest {

  private static final long NOW = 42L;

  private static LogLine parse(LineParser parser, String line) {
    byte[] bytes = ("xx" + line + "yy").getBytes(StandardCharsets.UTF_8); // the line sits inside a larger buffer
    return parser.parse(bytes, 2, bytes.length - 2, NOW);
  }

  private static long nanos(String instant) {
    Instant t = Instant.parse(instant);
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  static Stream<Arguments> criLines() {
    return Stream.of(
        Arguments.of("2024-05-01T12:34:56.123456789Z stdout F GET /healthz 200", "2024-05-01T12:34:56.123456789Z",
            LogStream.STDOUT, false, "GET /healthz 200"),
        Arguments.of("2024-05-01T12:34:56.1Z stderr P first part ", "2024-05-01T12:34:56.100Z", LogStream.STDERR,
            true, "first part "),
        Arguments.of("2024-05-01T14:34:56.5+02:00 stdout F:x tagged", "2024-05-01T12:34:56.500Z", LogStream.STDOUT,
            false, "tagged"),
        Arguments.of("2024-05-01T12:34:56Z stdout F", "2024-05-01T12:34:56Z", LogStream.STDOUT, false, ""),
        Arguments.of("2024-05-01T12:34:56Z stdout F ", "2024-05-01T12:34:56Z", LogStream.STDOUT, false, ""),
        Arguments.of("2024-02-29T23:59:59.999999999-00:30 stdout F  two  blanks ", "2024-03-01T00:29:59.999999999Z",
            LogStream.STDOUT, false, " two  blanks "));
  }

  @ParameterizedTest
  @MethodSource("criLines")
  void criLinesAreParsed(String line, String time, LogStream stream, boolean partial, String message) {
    LogLine parsed = parse(new CriLineParser(), line);
    assertThat(parsed.malformed()).isFalse();
    assertThat(parsed.timestampNanos()).isEqualTo(nanos(time));
    assertThat(parsed.stream()).isEqualTo(stream);
    assertThat(parsed.partial()).isEqualTo(partial);
    assertThat(new String(parsed.message(), StandardCharsets.UTF_8)).isEqualTo(message);
  }

  @ParameterizedTest
  @MethodSource("malformedCri")
  void malformedCriLinesAreKeptWholeAndMarked(String line) {
    LogLine parsed = parse(new CriLineParser(), line);
    assertThat(parsed.malformed()).isTrue();
    assertThat(parsed.timestampNanos()).isEqualTo(NOW);
    assertThat(new String(parsed.message(), StandardCharsets.UTF_8)).isEqualTo(line);
  }

  static Stream<String> malformedCri() {
    return Stream.of("2024-13-01T12:34:56Z stdout F bad month", "yesterday stdout F when?",
        "2024-05-01T12:34:56Z stdnil F which stream", "2024-05-01T12:34:56Z stdout X tag", "no framing at all", "",
        "2024-05-01T12:34:56Z", "2024-05-01T12:34:56.123 stdout F no zone");
  }

  @Test
  void dockerJsonLinesAreParsedAndSixteenKibPiecesArePartial() {
    LineParser docker = new DockerJsonLineParser();
    LogLine full = parse(docker, "{\"log\":\"caf\\u00e9 \\\"ok\\\"\\n\",\"stream\":\"stderr\","
        + "\"time\":\"2024-05-01T12:34:56.000000001Z\",\"attrs\":{\"x\":[1,2]}}");
    assertThat(full.malformed()).isFalse();
    assertThat(full.partial()).isFalse();
    assertThat(full.stream()).isEqualTo(LogStream.STDERR);
    assertThat(full.timestampNanos()).isEqualTo(nanos("2024-05-01T12:34:56.000000001Z"));
    assertThat(new String(full.message(), StandardCharsets.UTF_8)).isEqualTo("café \"ok\"");

    LogLine piece = parse(docker, "{\"log\":\"no newline yet\",\"stream\":\"stdout\",\"time\":\"2024-05-01T12:34:56Z\"}");
    assertThat(piece.partial()).isTrue();
    assertThat(new String(piece.message(), StandardCharsets.UTF_8)).isEqualTo("no newline yet");
  }

  @Test
  void dockerJsonCutInHalfOrMissingFieldsIsKeptWholeAndMarked() {
    LineParser docker = new DockerJsonLineParser();
    for (String line : new String[] {"{\"log\":\"cut in ha", "{\"stream\":\"stdout\",\"time\":\"2024-05-01T12:34:56Z\"}",
        "{\"log\":\"x\\n\",\"stream\":\"stdout\",\"time\":\"not a time\"}", "[1,2]", "{} trailing"}) {
      LogLine parsed = parse(docker, line);
      assertThat(parsed.malformed()).as(line).isTrue();
      assertThat(new String(parsed.message(), StandardCharsets.UTF_8)).isEqualTo(line);
    }
  }

  @Test
  void plainLinesAreWholeStdoutMessagesStampedWhenRead() {
    LogLine line = parse(LineParser.of(LogFormat.PLAIN, true), "anything at all");
    assertThat(line.timestampNanos()).isEqualTo(NOW);
    assertThat(line.stream()).isEqualTo(LogStream.STDOUT);
    assertThat(line.partial()).isFalse();
    assertThat(line.malformed()).isFalse();
    assertThat(new String(line.message(), StandardCharsets.UTF_8)).isEqualTo("anything at all");
  }

  @Test
  void autoDecidesEachLineSoGarbageFirstDoesNotMakeTheGoodLinesPlain() {
    LineParser auto = new AutoLineParser(true);
    LogLine garbage = parse(auto, "\u0001\u0002 binary garbage");
    assertThat(garbage.malformed()).isTrue();
    assertThat(new String(garbage.message(), StandardCharsets.UTF_8)).isEqualTo("\u0001\u0002 binary garbage");
    LogLine cri = parse(auto, "2024-05-01T12:34:56Z stderr F after the garbage");
    assertThat(cri.malformed()).isFalse();
    assertThat(cri.stream()).isEqualTo(LogStream.STDERR);
    assertThat(new String(cri.message(), StandardCharsets.UTF_8)).isEqualTo("after the garbage");
  }

  @Test
  void autoReadsDockerLinesAfterHalfAJsonObjectAndCriAndDockerMixed() {
    LineParser auto = new AutoLineParser(true);
    assertThat(parse(auto, "{\"log\":\"cut in ha").malformed()).isTrue();
    LogLine docker = parse(auto, "{\"log\":\"whole\\n\",\"stream\":\"stdout\",\"time\":\"2026-11-25T10:00:00Z\"}");
    assertThat(docker.malformed()).isFalse();
    assertThat(new String(docker.message(), StandardCharsets.UTF_8)).isEqualTo("whole");
    LogLine cri = parse(auto, "2024-05-01T12:34:56Z stdout F a CRI line after Docker ones");
    assertThat(cri.malformed()).isFalse();
    assertThat(new String(cri.message(), StandardCharsets.UTF_8)).isEqualTo("a CRI line after Docker ones");
  }

  @Test
  void autoKeepsPlainTextPlainOutsideContainerLogsUntilAFramedLineIsSeen() {
    LineParser auto = new AutoLineParser(false);
    assertThat(parse(auto, "Dec  3 10:00:00 host sshd[1]: accepted").malformed()).isFalse();
    assertThat(parse(auto, "2024-05-01T12:34:56Z stdout F framed").malformed()).isFalse();
    assertThat(parse(auto, "not framed after a framed line").malformed()).isTrue();
  }
}

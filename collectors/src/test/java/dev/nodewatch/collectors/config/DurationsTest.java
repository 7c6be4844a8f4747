package dev.nodewatch.collectors.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest
  @CsvSource({"250ms, 250", "5s, 5000", "1m, 60000", "1h, 3600000", "1m30s, 90000", "1d, 86400000",
      "0, 0", "2h5m, 7500000"})
  void parsesGoStyleDurations(String text, long millis) {
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "5", "soon", "5 s", "s5", "1.5s", "5s!", "-5s"})
  void rejectsWhatIsNotADuration(String text) {
    assertThatThrownBy(() -> Durations.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a duration, was \"" + text + "\" (use a number with a unit: 500ms, 5s, 1m, 1h)");
  }

  @ParameterizedTest
  @CsvSource({"0, 0s", "250, 250ms", "20000, 20s", "90000, 1m30s", "3600000, 1h", "3723004, 1h2m3s4ms"})
  void formatsWhatParseReadsBack(long millis, String text) {
    assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
    assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }
}

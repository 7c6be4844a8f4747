package dev.nodewatch.collectors.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteSizeTest {

  @ParameterizedTest
  @CsvSource({
      "512, 512", "1KiB, 1024", "64MiB, 67108864", "2GiB, 2147483648", "1TiB, 1099511627776",
      "10MB, 10000000", "1kb, 1000", "3 MiB, 3145728", "1M, 1048576", "0, 0"})
  void parsesBinaryAndDecimalUnits(String text, long bytes) {
    assertThat(ByteSize.parse(text).bytes()).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "MiB", "-1", "1.5GiB", "2 gigs", "1XiB"})
  void rejectsWhatIsNotASize(String text) {
    assertThatThrownBy(() -> ByteSize.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a size, was \"" + text + "\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"99999999999TiB", "9999999999999999999"})
  void rejectsSizesBeyondALong(String text) {
    assertThatThrownBy(() -> ByteSize.parse(text)).hasMessageStartingWith("size too large");
  }

  @ParameterizedTest
  @CsvSource({"2147483648, 2GiB", "1048576, 1MiB", "1536, 1536", "3072, 3KiB", "0, 0", "1000, 1000"})
  void printsTheShortestExactForm(long bytes, String text) {
    assertThat(new ByteSize(bytes)).hasToString(text);
    assertThat(ByteSize.parse(text).bytes()).isEqualTo(bytes);
  }
}

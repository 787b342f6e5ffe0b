package dev.flux.protocol.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BandwidthTest {

    @Test
    void unitsAreBinaryAndCaseInsensitive() {
        assertThat(Bandwidth.parse("800000")).isEqualTo(800_000);
        assertThat(Bandwidth.parse("512B")).isEqualTo(512);
        assertThat(Bandwidth.parse("512KB")).isEqualTo(512 * 1024);
        assertThat(Bandwidth.parse("1MB")).isEqualTo(1024 * 1024);
        assertThat(Bandwidth.parse("2 mb")).isEqualTo(2 * 1024 * 1024);
        assertThat(Bandwidth.parse("1GiB")).isEqualTo(1L << 30);
        assertThat(Bandwidth.parse("0")).isZero();
    }

    @Test
    void formatPicksTheLargestExactUnit() {
        assertThat(Bandwidth.format(2 * 1024 * 1024)).isEqualTo("2MB");
        assertThat(Bandwidth.format(1536)).isEqualTo("1536B");
        assertThat(Bandwidth.format(0)).isEqualTo("0");
        assertThat(Bandwidth.parse(Bandwidth.format(3L << 30))).isEqualTo(3L << 30);
    }

    @Test
    void badValuesNameTheValueAndTheForm() {
        for (String bad : new String[] {"", "1.5MB", "-1", "1TB", "fast", "MB"}) {
            assertThatThrownBy(() -> Bandwidth.parse(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("'" + bad + "' is not a bandwidth (expected: a whole number of bytes per second with "
                            + "an optional unit B, KB, MB or GB, such as 512KB or 2MB)");
        }
    }
}

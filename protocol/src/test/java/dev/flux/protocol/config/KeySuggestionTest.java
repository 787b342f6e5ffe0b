package dev.flux.protocol.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class KeySuggestionTest {

    private static final List<String> KEYS = List.of("name", "type", "localIP", "localPort", "remotePort");

    @Test
    void swappedLettersCountAsOneEdit() {
        assertThat(KeySuggestion.distance("lcoalport", "localport")).isEqualTo(1);
        assertThat(KeySuggestion.closest("lcoalPort", KEYS)).isEqualTo("localPort");
        assertThat(KeySuggestion.closest("tpye", KEYS)).isEqualTo("type");
    }

    @Test
    void caseIsIgnored() {
        assertThat(KeySuggestion.closest("localIp", KEYS)).isEqualTo("localIP");
        assertThat(KeySuggestion.closest("REMOTEPORT", KEYS)).isEqualTo("remotePort");
    }

    @Test
    void picksTheClosest() {
        assertThat(KeySuggestion.closest("remotPort", KEYS)).isEqualTo("remotePort");
        assertThat(KeySuggestion.closest("localPrt", KEYS)).isEqualTo("localPort");
    }

    @Test
    void unrelatedKeysGetNoSuggestion() {
        assertThat(KeySuggestion.closest("port", KEYS)).isNull();
        assertThat(KeySuggestion.closest("bandwidth", KEYS)).isNull();
        assertThat(KeySuggestion.closest("x", List.of())).isNull();
    }

    @Test
    void distanceBasics() {
        assertThat(KeySuggestion.distance("", "abc")).isEqualTo(3);
        assertThat(KeySuggestion.distance("abc", "abc")).isZero();
        assertThat(KeySuggestion.distance("kitten", "sitting")).isEqualTo(3);
    }
}

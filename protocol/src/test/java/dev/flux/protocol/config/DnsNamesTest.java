package dev.flux.protocol.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DnsNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "tunnel.example.com", "Tunnel.Example.COM", "a-b.c1", "x", "1.2.3.4"})
    void acceptsHostNames(String name) {
        assertThat(DnsNames.isHostName(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "a..b", "example.com.", ".example.com", "-a.com", "a-.com", "*.example.com",
            "a_b.com", "a b.com", "münchen.de", "host:80"})
    void rejectsOthers(String name) {
        assertThat(DnsNames.isHostName(name)).isFalse();
    }

    @Test
    void lengthLimits() {
        String label63 = "a".repeat(63);
        assertThat(DnsNames.isHostName(label63 + ".com")).isTrue();
        assertThat(DnsNames.isHostName("a".repeat(64) + ".com")).isFalse();
        String name253 = String.join(".", label63, label63, label63, "a".repeat(61));
        assertThat(name253).hasSize(253);
        assertThat(DnsNames.isHostName(name253)).isTrue();
        assertThat(DnsNames.isHostName(name253 + "a")).isFalse();
        assertThat(DnsNames.isHostName(null)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"web", "a", "my-app", "app2", "0"})
    void acceptsLowerCaseLabels(String label) {
        assertThat(DnsNames.isLowerCaseLabel(label)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Web", "-web", "web-", "a.b", "a_b", "a b"})
    void rejectsOtherLabels(String label) {
        assertThat(DnsNames.isLowerCaseLabel(label)).isFalse();
    }
}

package dev.flux.protocol.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressRulesTest {

    @Test
    void denyWinsOverAllowAndAnAllowListShutsOutTheRest() throws Exception {
        AddressRules rules = AddressRules.of(List.of("10.0.0.0/8", "2001:db8::/32"), List.of("10.1.2.0/24"));
        assertThat(rules.admits(InetAddress.getByName("10.200.0.1"))).isTrue();
        assertThat(rules.admits(InetAddress.getByName("10.1.2.77"))).isFalse();
        assertThat(rules.admits(InetAddress.getByName("10.1.3.77"))).isTrue();
        assertThat(rules.admits(InetAddress.getByName("192.168.0.1"))).isFalse();
        assertThat(rules.admits(InetAddress.getByName("2001:db8:ffff::1"))).isTrue();
        assertThat(rules.admits(InetAddress.getByName("2001:db9::1"))).isFalse();
    }

    @Test
    void denyOnlyAdmitsEveryoneElseAndMappedIpv4IsMatchedAsIpv4() throws Exception {
        AddressRules rules = AddressRules.of(List.of(), List.of("127.0.0.1"));
        assertThat(rules.admits(InetAddress.getByName("127.0.0.1"))).isFalse();
        assertThat(rules.admits(InetAddress.getByName("::ffff:127.0.0.1"))).isFalse();
        assertThat(rules.admits(InetAddress.getByName("127.0.0.2"))).isTrue();
        assertThat(rules.admits(InetAddress.getByName("::1"))).isTrue();
        assertThat(AddressRules.of(List.of(), List.of()).admitsEveryone()).isTrue();
        assertThat(AddressRules.of(List.of("0.0.0.0/0"), List.of()).admits(InetAddress.getByName("8.8.8.8"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "10.0.0.0/33", "10.0.0.0/x", "", "::1/129", "1.2.3.4/-1"})
    void badEntriesAreNamed(String entry) {
        assertThatThrownBy(() -> AddressRules.of(List.of(entry), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + entry + "'");
    }
}

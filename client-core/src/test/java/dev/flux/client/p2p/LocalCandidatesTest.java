package dev.flux.client.p2p;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalCandidatesTest {

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void everyRoutableAddressOfBothFamiliesWithTheNodeFacingOneFirst() throws Exception {
        List<InetAddress> interfaces = List.of(ip("192.168.1.20"), ip("10.99.0.2"), ip("fd00:99::2"),
                ip("2001:db8::7"), ip("10.0.0.5"));

        assertThat(LocalCandidates.of(ip("10.0.0.5"), interfaces, 4242, true)).containsExactly(
                "10.0.0.5:4242", "192.168.1.20:4242", "10.99.0.2:4242", "[fd00:99:0:0:0:0:0:2]:4242",
                "[2001:db8:0:0:0:0:0:7]:4242");
    }

    @Test
    void anIpv4OnlySocketOffersNoIpv6Address() throws Exception {
        assertThat(LocalCandidates.of(null, List.of(ip("fd00:99::2"), ip("192.168.1.20")), 7, false))
                .containsExactly("192.168.1.20:7");
    }

    @Test
    void loopbackLinkLocalMulticastAndWildcardAreLeftOut() throws Exception {
        List<InetAddress> interfaces = List.of(ip("127.0.0.1"), ip("::1"), ip("fe80::1"), ip("169.254.3.4"),
                ip("224.0.0.251"), ip("0.0.0.0"), ip("::"), ip("172.16.0.9"));

        assertThat(LocalCandidates.of(ip("127.0.0.1"), interfaces, 9, true)).containsExactly("172.16.0.9:9");
    }

    @Test
    void aHostWithManyAddressesOffersABoundedList() throws Exception {
        List<InetAddress> interfaces = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            interfaces.add(ip("10.1.0." + i));
        }
        List<String> candidates = LocalCandidates.of(ip("10.1.0.7"), interfaces, 1, true);
        assertThat(candidates).hasSize(LocalCandidates.MAX).startsWith("10.1.0.7:1").doesNotHaveDuplicates();
    }

    @Test
    void theCandidatesParseBackToTheirAddresses() throws Exception {
        for (String c : LocalCandidates.of(null, List.of(ip("fd00:99::2"), ip("192.168.1.20")), 5000, true)) {
            assertThat(PunchSocket.parse(c)).as(c).isNotNull();
            assertThat(PunchSocket.parse(c).getPort()).isEqualTo(5000);
        }
    }
}

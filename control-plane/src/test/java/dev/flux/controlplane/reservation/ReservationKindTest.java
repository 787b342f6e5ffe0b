package dev.flux.controlplane.reservation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flux.controlplane.api.ApiException;
import org.junit.jupiter.api.Test;

class ReservationKindTest {

    @Test
    void valuesAreStoredInOneForm() {
        assertThat(ReservationKind.SUBDOMAIN.normalize(" WX ")).isEqualTo("wx");
        assertThat(ReservationKind.DOMAIN.normalize("Tunnel.Example.COM")).isEqualTo("tunnel.example.com");
        assertThat(ReservationKind.TCP_PORT.normalize("6022")).isEqualTo("6022");
    }

    @Test
    void invalidValuesAreRefusedWithTheRule() {
        assertThatThrownBy(() -> ReservationKind.SUBDOMAIN.normalize("-wx"))
                .isInstanceOf(ApiException.class)
                .hasMessage("'-wx' is not a valid subdomain"
                        + " (expected: 1-63 lower-case letters, digits or '-', no '-' at either end)");
        assertThatThrownBy(() -> ReservationKind.DOMAIN.normalize("localhost")).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> ReservationKind.UDP_PORT.normalize("65536"))
                .hasMessage("'65536' is not a valid UDP port (expected: 1-65535)");
        assertThatThrownBy(() -> ReservationKind.TCP_PORT.normalize("022")).isInstanceOf(ApiException.class);
    }

    @Test
    void messagesNameTheAddress() {
        assertThat(ReservationKind.SUBDOMAIN.describe("wx")).isEqualTo("subdomain 'wx'");
        assertThat(ReservationKind.TCP_PORT.describe("6022")).isEqualTo("TCP port 6022");
        assertThat(ReservationKind.of("udp_port")).isEqualTo(ReservationKind.UDP_PORT);
        assertThatThrownBy(() -> ReservationKind.of("ip")).hasMessageContaining("subdomain, domain, tcp_port, udp_port");
    }
}

package dev.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.client.TunnelState;
import dev.flux.client.TunnelStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusBlockTest {

    @Test
    void oneAlignedLinePerTunnelBelowTheNode() {
        List<String> lines = StatusBlock.render("node.example.com:7000", "connected", List.of(
                new TunnelStatus("web", "http", "127.0.0.1:8080", TunnelState.READY,
                        List.of("http://web.example.com"), null, 2, 1536, 31_457_280),
                new TunnelStatus("database", "tcp", "127.0.0.1:5432", TunnelState.RECONNECTING,
                        List.of(), null, 0, 0, 0),
                new TunnelStatus("ssh", "tcp", "127.0.0.1:22", TunnelState.REJECTED,
                        List.of(), "remote port 1 is not allowed", 1, 10, 20)), false);

        assertThat(lines).containsExactly(
                "node node.example.com:7000  connected",
                "  web       ready         http://web.example.com        2 conns  in 1.5 KiB  out 30.0 MiB",
                "  database  reconnecting  -> 127.0.0.1:5432             0 conns  in 0 B  out 0 B",
                "  ssh       rejected      remote port 1 is not allowed  1 conn   in 10 B  out 20 B");
    }

    @Test
    void coloursTheStatesOnlyWhenAsked() {
        TunnelStatus ready = new TunnelStatus("web", "http", "127.0.0.1:8080", TunnelState.READY,
                List.of("http://web.example.com"), null, 0, 0, 0);

        assertThat(StatusBlock.render("n:1", "connected", List.of(ready), true).get(1)).contains("\033[32mready");
        assertThat(String.join("", StatusBlock.render("n:1", "connected", List.of(ready), false))).doesNotContain("\033");
    }

    @Test
    void byteCountsForPeople() {
        assertThat(StatusBlock.bytes(0)).isEqualTo("0 B");
        assertThat(StatusBlock.bytes(1023)).isEqualTo("1023 B");
        assertThat(StatusBlock.bytes(1024)).isEqualTo("1.0 KiB");
        assertThat(StatusBlock.bytes(5L << 30)).isEqualTo("5.0 GiB");
        assertThat(StatusBlock.bytes(Long.MAX_VALUE)).isEqualTo("8.0 EiB");
    }
}

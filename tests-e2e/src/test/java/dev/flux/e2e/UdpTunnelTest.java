package dev.flux.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.e2e.client.TcpEchoClient;
import dev.flux.e2e.client.TcpEchoClient.Echo;
import dev.flux.e2e.client.UdpEchoClient;
import dev.flux.e2e.client.UdpEchoClient.Result;
import dev.flux.e2e.framework.AgentProcess;
import dev.flux.e2e.framework.FluxProcesses;
import dev.flux.e2e.framework.NodeProcess;
import dev.flux.e2e.framework.Ports;
import dev.flux.e2e.service.TcpEchoServer;
import dev.flux.e2e.service.UdpEchoServer;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * UDP tunnels: datagrams through a tunnel to an echo service, one session per visitor, and a UDP tunnel sharing its
 * port number with a TCP tunnel.
 */
class UdpTunnelTest {

    @RegisterExtension
    static final FluxProcesses flux = new FluxProcesses();

    @TempDir
    static Path dir;

    private static final String TUNNEL = """
            [[tunnels]]
            name = "{{ name }}"
            type = "{{ type }}"
            localIP = "127.0.0.1"
            localPort = {{ localPort }}
            remotePort = {{ remotePort }}
            """;

    /** Used by a UDP and a TCP tunnel at once: the two are separate namespaces. */
    private static final int SHARED_PORT = Ports.free();
    private static final int TAKEN_BY_SOCKET_PORT = Ports.free();

    private static UdpEchoServer udpEcho;
    private static TcpEchoServer tcpEcho;
    private static NodeProcess node;
    private static URI udpUrl;
    private static URI tcpUrl;

    @BeforeAll
    static void startEchoTunnels() throws IOException {
        udpEcho = UdpEchoServer.start();
        tcpEcho = TcpEchoServer.start();
        node = flux.startNode(dir, SHARED_PORT, TAKEN_BY_SOCKET_PORT);
        AgentProcess agent = flux.startAgent(dir, node, """
                [[tunnels]]
                name = "echo-udp"
                type = "udp"
                localPort = {{ udpEchoPort }}
                remotePort = {{ sharedPort }}

                [[tunnels]]
                name = "echo-tcp"
                type = "tcp"
                localPort = {{ tcpEchoPort }}
                remotePort = {{ sharedPort }}
                """, Map.of("udpEchoPort", udpEcho.port(), "tcpEchoPort", tcpEcho.port(), "sharedPort", SHARED_PORT));
        udpUrl = agent.awaitTunnelReady("echo-udp");
        tcpUrl = agent.awaitTunnelReady("echo-tcp");
    }

    @AfterAll
    static void stopEchoes() throws IOException {
        if (udpEcho != null) {
            udpEcho.close();
        }
        if (tcpEcho != null) {
            tcpEcho.close();
        }
    }

    @ParameterizedTest(name = "{0} visitor(s) x {1} datagrams of {2} B")
    @CsvSource({
            "1,  2000, 1200",
            "20, 100,  512",
            "1,  20,   65507",
    })
    void datagramsComeBackWholeToTheirVisitor(int visitors, int datagrams, int size) throws Exception {
        assertThat(udpUrl).hasToString("udp://127.0.0.1:" + SHARED_PORT);
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), udpUrl.getPort());
        int sendersBefore = udpEcho.senders().size();
        ExecutorService pool = Executors.newFixedThreadPool(visitors);
        try {
            List<Future<Result>> results = new ArrayList<>();
            for (int i = 0; i < visitors; i++) {
                long seed = i;
                results.add(pool.submit(() -> UdpEchoClient.roundTrips(address, datagrams, size, seed)));
            }
            for (int i = 0; i < visitors; i++) {
                Result r = results.get(i).get(120, TimeUnit.SECONDS);
                assertThat(r.wrong()).as("datagrams not as sent, visitor %d", i).isZero();
                assertThat(r.echoed()).as("datagrams echoed to visitor %d (%d resent)", i, r.resent())
                        .isEqualTo(datagrams);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(udpEcho.senders().size() - sendersBefore).as("one session, so one local socket, per visitor")
                .isEqualTo(visitors);
    }

    @Test
    void aTcpTunnelOnTheSamePortNumberCarriesItsOwnTraffic() throws Exception {
        assertThat(tcpUrl).hasToString("tcp://127.0.0.1:" + SHARED_PORT);
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), tcpUrl.getPort());

        Echo e = TcpEchoClient.roundTrip(address, 7, 1 << 20);

        assertThat(e.received()).isEqualTo(e.sent());
    }

    @Test
    void tunnelAskingForAUdpPortInUseIsRejectedNamingThePort() throws IOException {
        try (DatagramSocket squatter = new DatagramSocket(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), TAKEN_BY_SOCKET_PORT))) {
            AgentProcess late = flux.startAgent("fluxctl-late", dir, node, TUNNEL,
                    Map.of("name", "late", "type", "udp", "localPort", udpEcho.port(),
                            "remotePort", TAKEN_BY_SOCKET_PORT));

            assertThat(late.awaitTunnelRejected("late"))
                    .startsWith("remote UDP port " + TAKEN_BY_SOCKET_PORT + " is already in use on the node");
        }
    }
}

package dev.flux.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.e2e.client.TcpEchoClient;
import dev.flux.e2e.client.TcpEchoClient.Echo;
import dev.flux.e2e.framework.AgentProcess;
import dev.flux.e2e.framework.FluxProcesses;
import dev.flux.e2e.framework.Ports;
import dev.flux.e2e.framework.NodeProcess;
import dev.flux.e2e.service.TcpEchoServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** TCP tunnels: bytes through a tunnel to an echo service, and remote ports that are already taken. */
class TcpTunnelTest {

    @RegisterExtension
    static final FluxProcesses flux = new FluxProcesses();

    @TempDir
    static Path dir;

    private static final String TCP_TUNNEL = """
            [[tunnels]]
            name = "{{ name }}"
            type = "tcp"
            localIP = "127.0.0.1"
            localPort = {{ localPort }}
            remotePort = {{ remotePort }}
            """;

    private static final int ECHO_PORT = Ports.free();
    private static final int TAKEN_BY_SOCKET_PORT = Ports.free();
    private static final int TAKEN_BY_TUNNEL_PORT = Ports.free();

    private static TcpEchoServer echo;
    private static NodeProcess node;
    private static URI echoUrl;

    @BeforeAll
    static void startEchoTunnel() throws IOException {
        echo = TcpEchoServer.start();
        node = flux.startNode(dir, ECHO_PORT, TAKEN_BY_SOCKET_PORT, TAKEN_BY_TUNNEL_PORT);
        AgentProcess agent = flux.startAgent(dir, node, TCP_TUNNEL,
                Map.of("name", "echo", "localPort", echo.port(), "remotePort", ECHO_PORT));
        echoUrl = agent.awaitTunnelReady("echo");
    }

    @AfterAll
    static void stopEcho() throws IOException {
        if (echo != null) {
            echo.close();
        }
    }

    @ParameterizedTest(name = "{0} connection(s) x {1} bytes")
    @CsvSource({
            "1,  10485760",
            "50, 1048576",
    })
    void echoesRandomBytesOnConcurrentConnections(int connections, long size) throws Exception {
        assertThat(echoUrl).hasToString("tcp://127.0.0.1:" + ECHO_PORT);
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), echoUrl.getPort());
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try {
            List<Future<Echo>> echoes = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                long seed = i;
                echoes.add(pool.submit(() -> TcpEchoClient.roundTrip(address, seed, size)));
            }
            for (int i = 0; i < connections; i++) {
                Echo e = echoes.get(i).get(60, TimeUnit.SECONDS);
                assertThat(e.sent().length()).as("bytes sent on connection %d", i).isEqualTo(size);
                assertThat(e.received()).as("echo on connection %d", i).isEqualTo(e.sent());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Who holds the remote port a new tunnel asks for. */
    enum PortHolder {
        PLAIN_SERVER_SOCKET(TAKEN_BY_SOCKET_PORT),
        ANOTHER_AGENTS_TUNNEL(TAKEN_BY_TUNNEL_PORT);

        final int port;

        PortHolder(int port) {
            this.port = port;
        }
    }

    @ParameterizedTest
    @EnumSource
    void tunnelAskingForATakenPortIsRejectedNamingThePort(PortHolder holder) throws IOException {
        ServerSocket plainSocket = holder == PortHolder.PLAIN_SERVER_SOCKET ? bindLoopback(holder.port) : null;
        try {
            if (holder == PortHolder.ANOTHER_AGENTS_TUNNEL) {
                flux.startAgent("fluxctl-first", dir, node, TCP_TUNNEL,
                        Map.of("name", "first", "localPort", echo.port(), "remotePort", holder.port))
                        .awaitTunnelReady("first");
            }

            AgentProcess late = flux.startAgent("fluxctl-late", dir, node, TCP_TUNNEL,
                    Map.of("name", "late", "localPort", echo.port(), "remotePort", holder.port));

            assertThat(late.awaitTunnelRejected("late")).contains(String.valueOf(holder.port));
        } finally {
            if (plainSocket != null) {
                plainSocket.close();
            }
        }
    }

    private static ServerSocket bindLoopback(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return s;
    }
}

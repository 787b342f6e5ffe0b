package dev.flux.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.e2e.client.RawHttpClient;
import dev.flux.e2e.client.RawHttpRequest;
import dev.flux.e2e.client.RawHttpResponse;
import dev.flux.e2e.client.TcpEchoClient;
import dev.flux.e2e.client.TcpEchoClient.Echo;
import dev.flux.e2e.client.UdpEchoClient;
import dev.flux.e2e.framework.AgentProcess;
import dev.flux.e2e.framework.FluxProcesses;
import dev.flux.e2e.framework.NodeProcess;
import dev.flux.e2e.framework.Ports;
import dev.flux.e2e.service.HttpTestServer;
import dev.flux.e2e.service.TcpEchoServer;
import dev.flux.e2e.service.UdpEchoServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every relayed tunnel type as a table: type × {relayed through the node's TLS connections, end-to-end encrypted
 * between visitor and owner} × {a single agent, a load-balancing group of two agents}, with real processes: one
 * node, agent A (every single tunnel, the first member of each group, the owner of the secret tunnels) and agent B
 * (the second members, and the visitors of the secret tunnels). Each row moves real data through and checks it
 * byte for byte; group rows also check that both members served. (XTCP needs network namespaces:
 * {@link XtcpNatTest}. UDP and secret tunnels do not form groups.)
 */
class TunnelMatrixTest {

    @RegisterExtension
    static final FluxProcesses flux = new FluxProcesses();

    @TempDir
    static Path dir;

    private static final String GROUP_KEY = "matrix-group-key";
    private static final String SECRET = "matrix-secret-5d1e8a";
    private static final int TCP_PORT = Ports.free();
    private static final int TCP_GROUP_PORT = Ports.free();
    private static final int UDP_PORT = Ports.free();
    private static final int STCP_VISITOR_PORT = Ports.free();
    private static final int SUDP_VISITOR_PORT = Ports.free();
    private static final int ROUNDS = 6;

    private static final String AGENT_A = """
            [[tunnels]]
            name = "tcp"
            type = "tcp"
            localPort = {{ tcpEcho }}
            remotePort = {{ tcpPort }}

            [[tunnels]]
            name = "tcp-group"
            type = "tcp"
            localPort = {{ tcpGroupEcho }}
            remotePort = {{ tcpGroupPort }}
            group = "tcp-group"
            groupKey = "{{ groupKey }}"

            [[tunnels]]
            name = "udp"
            type = "udp"
            localPort = {{ udpEcho }}
            remotePort = {{ udpPort }}

            [[tunnels]]
            name = "http"
            type = "http"
            localPort = {{ httpPort }}
            subdomain = "matrix"

            [[tunnels]]
            name = "http-group"
            type = "http"
            localPort = {{ httpGroupPort }}
            subdomain = "matrix-group"
            group = "http-group"
            groupKey = "{{ groupKey }}"

            [[tunnels]]
            name = "stcp"
            type = "stcp"
            localPort = {{ tcpEcho }}
            secretKey = "{{ secret }}"

            [[tunnels]]
            name = "sudp"
            type = "sudp"
            localPort = {{ udpEcho }}
            secretKey = "{{ secret }}"
            """;

    private static final String AGENT_B = """
            [[tunnels]]
            name = "tcp-group"
            type = "tcp"
            localPort = {{ tcpGroupEcho }}
            remotePort = {{ tcpGroupPort }}
            group = "tcp-group"
            groupKey = "{{ groupKey }}"

            [[tunnels]]
            name = "http-group"
            type = "http"
            localPort = {{ httpGroupPort }}
            subdomain = "matrix-group"
            group = "http-group"
            groupKey = "{{ groupKey }}"

            [[visitors]]
            name = "stcp-visitor"
            type = "stcp"
            serverName = "stcp"
            secretKey = "{{ secret }}"
            bindPort = {{ stcpVisitorPort }}

            [[visitors]]
            name = "sudp-visitor"
            type = "sudp"
            serverName = "sudp"
            secretKey = "{{ secret }}"
            bindPort = {{ sudpVisitorPort }}
            """;

    private static TcpEchoServer tcpEcho;
    private static TcpEchoServer groupEchoA;
    private static TcpEchoServer groupEchoB;
    private static UdpEchoServer udpEcho;
    private static HttpTestServer web;
    private static HttpTestServer groupWebA;
    private static HttpTestServer groupWebB;
    private static RawHttpClient http;

    @BeforeAll
    static void start() throws Exception {
        tcpEcho = TcpEchoServer.start();
        groupEchoA = TcpEchoServer.start();
        groupEchoB = TcpEchoServer.start();
        udpEcho = UdpEchoServer.start();
        web = HttpTestServer.start("single");
        groupWebA = HttpTestServer.start("member-a");
        groupWebB = HttpTestServer.start("member-b");
        NodeProcess node = flux.startNode(dir, TCP_PORT, TCP_GROUP_PORT, UDP_PORT);
        AgentProcess a = flux.startAgent("agent-a", dir, node, AGENT_A, Map.of("tcpEcho", tcpEcho.port(),
                "tcpPort", TCP_PORT, "tcpGroupEcho", groupEchoA.port(), "tcpGroupPort", TCP_GROUP_PORT,
                "udpEcho", udpEcho.port(), "udpPort", UDP_PORT, "httpPort", web.port(),
                "httpGroupPort", groupWebA.port(), "groupKey", GROUP_KEY, "secret", SECRET));
        for (String tunnel : List.of("tcp", "tcp-group", "udp", "http", "http-group", "stcp", "sudp")) {
            a.awaitTunnelReady(tunnel);
        }
        AgentProcess b = flux.startAgent("agent-b", dir, node, AGENT_B, Map.of("tcpGroupEcho", groupEchoB.port(),
                "tcpGroupPort", TCP_GROUP_PORT, "httpGroupPort", groupWebB.port(), "groupKey", GROUP_KEY,
                "secret", SECRET, "stcpVisitorPort", STCP_VISITOR_PORT, "sudpVisitorPort", SUDP_VISITOR_PORT));
        for (String tunnel : List.of("tcp-group", "http-group")) {
            b.awaitTunnelReady(tunnel);
        }
        for (String visitor : List.of("stcp-visitor", "sudp-visitor")) {
            b.process().awaitLine(Pattern.compile("\\[" + visitor + "] visitor listening on "
                    + "127\\.0\\.0\\.1:\\d+"), Duration.ofSeconds(30));
        }
        http = new RawHttpClient(node.vhostPort());
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {tcpEcho, groupEchoA, groupEchoB, udpEcho, web, groupWebA,
                groupWebB}) {
            if (c != null) {
                c.close();
            }
        }
    }

    interface Check {
        void run() throws Exception;
    }

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("tcp", "relayed", "single", (Check) () -> tcpEchoes(TCP_PORT, 1)),
                Arguments.of("tcp", "relayed", "group", (Check) TunnelMatrixTest::tcpGroup),
                Arguments.of("udp", "relayed", "single", (Check) () -> udpEchoes(UDP_PORT)),
                Arguments.of("http", "relayed", "single",
                        (Check) () -> assertThat(servedBy("matrix", 1)).containsExactly("single")),
                Arguments.of("http", "relayed", "group",
                        (Check) () -> assertThat(servedBy("matrix-group", ROUNDS))
                                .containsExactlyInAnyOrder("member-a", "member-b")),
                Arguments.of("stcp", "end-to-end encrypted", "single",
                        (Check) () -> tcpEchoes(STCP_VISITOR_PORT, 3)),
                Arguments.of("sudp", "end-to-end encrypted", "single",
                        (Check) () -> udpEchoes(SUDP_VISITOR_PORT)));
    }

    @ParameterizedTest(name = "{0} · {1} · {2}")
    @MethodSource("table")
    void carriesDataIntact(String type, String path, String members, Check check) throws Exception {
        check.run();
    }

    /** {@code connections} connections, one after another, each 256 KiB of random bytes echoed back intact. */
    private static void tcpEchoes(int port, int connections) throws Exception {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        for (int i = 0; i < connections; i++) {
            Echo e = TcpEchoClient.roundTrip(address, port * 31L + i, 256 * 1024);
            assertThat(e.received()).as("echo on connection %d through port %d", i, port).isEqualTo(e.sent());
        }
    }

    private static void tcpGroup() throws Exception {
        int beforeA = groupEchoA.accepted();
        int beforeB = groupEchoB.accepted();
        tcpEchoes(TCP_GROUP_PORT, ROUNDS);
        int servedA = groupEchoA.accepted() - beforeA;
        int servedB = groupEchoB.accepted() - beforeB;
        assertThat(servedA + servedB).isEqualTo(ROUNDS);
        assertThat(servedA).as("connections served by member A (round robin)").isEqualTo(ROUNDS / 2);
        assertThat(servedB).as("connections served by member B (round robin)").isEqualTo(ROUNDS / 2);
    }

    private static void udpEchoes(int port) throws Exception {
        UdpEchoClient.Result r = UdpEchoClient.roundTrips(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50, 1200, port);
        assertThat(r.echoed()).isEqualTo(50);
        assertThat(r.wrong()).isZero();
    }

    /** The names of the services that answered {@code requests} GETs for a subdomain. */
    private static Set<String> servedBy(String subdomain, int requests) throws Exception {
        Set<String> servers = new HashSet<>();
        for (int i = 0; i < requests; i++) {
            try (RawHttpResponse r = http.send(RawHttpRequest.get(subdomain + "." + NodeProcess.SUBDOMAIN_HOST,
                    "/info?n=" + i))) {
                assertThat(r.status()).isEqualTo(200);
                Map<String, String> seen = r.bodyProperties();
                assertThat(seen).containsEntry("path", "/info?n=" + i);
                servers.add(seen.get("server"));
            }
        }
        return servers;
    }
}

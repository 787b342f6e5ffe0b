package dev.flux.node.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.flux.node.GatewayNode;
import dev.flux.node.config.NodeConfigLoader;
import dev.flux.node.controlplane.FakeControlPlane.Account;
import dev.flux.protocol.control.LoginAccepted;
import dev.flux.protocol.control.TunnelReady;
import dev.flux.protocol.net.Transports;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's {@code [admin]} listener over real sockets: health, readiness with a control plane, and metrics. */
class AdminEndpointTest {

    private static final String ALICE = "flx_alice-token-0123456789abcdef";
    private static final String BODY = "x".repeat(100);

    @TempDir
    Path dir;
    EventLoopGroup group;
    GatewayNode node;
    FakeControlPlane controlPlane;
    TestAgent agent;
    int controlPlanePort;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void setUp() throws IOException {
        group = Transports.newGroup(1, "test-agent");
        try (ServerSocket s = new ServerSocket(0)) {
            controlPlanePort = s.getLocalPort();
        }
    }

    @AfterEach
    void tearDown() {
        if (agent != null) {
            agent.close();
        }
        if (node != null) {
            node.close();
        }
        if (controlPlane != null) {
            controlPlane.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void readyOnlyOnceRegisteredAndMetricsCountAgentsTunnelsAndTraffic() throws Exception {
        node = GatewayNode.start(NodeConfigLoader.parse("""
                bindAddr = "127.0.0.1"
                bindPort = 0
                vhostHTTPPort = 0
                subdomainHost = "127.0.0.1.nip.io"
                dataDir = "data"

                [admin]
                bind = ":0"

                [controlPlane]
                url = "http://127.0.0.1:%d"
                credential = "%s"
                requestTimeout = 2
                """.formatted(controlPlanePort, FakeControlPlane.CREDENTIAL), "node.toml", dir));
        assertThat(node.adminAddress().getAddress().isLoopbackAddress()).as("loopback by default").isTrue();

        assertThat(get("/healthz")).isEqualTo("200 ok\n");
        assertThat(get("/readyz")).isEqualTo("503 not ready: not registered with the control plane yet\n");
        assertThat(get("/metrics")).contains("\nflux_node_ready 0\n");

        controlPlane = new FakeControlPlane(controlPlanePort);
        controlPlane.tokens.put(ALICE, new Account(7, "alice", 70));
        controlPlane.grants.put("web", Map.of("tunnelId", 42, "subdomain", "granted"));
        await("the node registered with the control plane").atMost(Duration.ofSeconds(10))
                .until(() -> get("/readyz"), "200 ready\n"::equals);

        String idle = get("/metrics");
        assertThat(idle).startsWith("200 # HELP flux_node_info ")
                .contains("\n# TYPE flux_agents_connected gauge\nflux_agents_connected 0\n",
                        "\nflux_tunnels{type=\"http\"} 0\n", "\nflux_tunnels{type=\"sudp\"} 0\n",
                        "\nflux_node_ready 1\n")
                .containsPattern("\nflux_node_uptime_seconds [0-9.]+\n");

        agent = TestAgent.connect(group, node.tunnelAddress(), node.fingerprint(), ALICE);
        agent.await(LoginAccepted.class, Duration.ofSeconds(5));
        agent.registerHttp("web");
        agent.await(TunnelReady.class, Duration.ofSeconds(5));
        assertThat(visit("granted.127.0.0.1.nip.io")).startsWith("HTTP/1.1 200 ").endsWith("ok");

        String busy = get("/metrics");
        assertThat(busy).contains("\nflux_agents_connected 1\n", "\nflux_tunnels{type=\"http\"} 1\n",
                "\n# TYPE flux_tunnel_received_bytes_total counter\n",
                "\nflux_tunnel_connections_total{type=\"http\",tunnel=\"web\"} 1\n");
        assertThat(sample(busy, "flux_tunnel_received_bytes_total{type=\"http\",tunnel=\"web\"}"))
                .isGreaterThanOrEqualTo(BODY.length()); // the node counts HTTP bodies
        assertThat(sample(busy, "flux_tunnel_sent_bytes_total{type=\"http\",tunnel=\"web\"}"))
                .isGreaterThanOrEqualTo("ok".length());

        HttpResponse<String> metrics = http.send(request("/metrics").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");

        int adminPort = node.adminAddress().getPort();
        node.close();
        node = null;
        assertThatThrownBy(() -> new Socket("127.0.0.1", adminPort).close()).isInstanceOf(ConnectException.class);
    }

    @Test
    void aStandaloneNodeIsReadyAsSoonAsItServesAndAnswersOnlyItsThreePaths() throws Exception {
        node = GatewayNode.start(NodeConfigLoader.parse("""
                bindAddr = "127.0.0.1"
                bindPort = 0
                vhostHTTPPort = -1
                dataDir = "data"

                [admin]
                bind = "127.0.0.1:0"

                [[tokens]]
                name = "alice"
                token = "%s"
                """.formatted(ALICE), "node.toml", dir));

        assertThat(get("/healthz")).isEqualTo("200 ok\n");
        assertThat(get("/readyz?verbose")).isEqualTo("200 ready\n");
        assertThat(get("/")).isEqualTo("404 not found: / (this listener serves /healthz, /readyz and /metrics)\n");
        HttpResponse<String> post = http.send(request("/healthz").POST(HttpRequest.BodyPublishers.ofString("x"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
        HttpResponse<String> head = http.send(request("/healthz").method("HEAD", HttpRequest.BodyPublishers
                .noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("content-length")).hasValue("3");
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.adminAddress().getPort() + path))
                .timeout(Duration.ofSeconds(5));
    }

    /** Status code, a space and the body. */
    private String get(String path) throws Exception {
        HttpResponse<String> r = http.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    private static long sample(String metrics, String series) {
        Matcher m = Pattern.compile("\n" + Pattern.quote(series) + " ([0-9]+)\n").matcher(metrics);
        assertThat(m.find()).as(series + " in\n" + metrics).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** A visitor's request to the vhost port; the response as text. */
    private String visit(String host) throws IOException {
        try (Socket s = new Socket("127.0.0.1", node.vhostAddress().getPort())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(("POST / HTTP/1.1\r\nHost: " + host + "\r\nContent-Length: " + BODY.length()
                    + "\r\nConnection: close\r\n\r\n" + BODY)
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

package dev.flux.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flux.client.controlplane.ControlPlaneClient;
import dev.flux.client.testing.ContractControlPlane;
import dev.flux.client.testing.ContractControlPlane.Token;
import dev.flux.node.GatewayNode;
import dev.flux.node.config.NodeConfigLoader;
import dev.flux.protocol.auth.Tokens;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent in control-plane mode: its tunnels come from a control plane speaking the contract (an HTTP server in
 * this JVM) and are served by a real node over real sockets on 127.0.0.1. Changes in the control plane are applied
 * on the live connection.
 */
class ControlPlaneAgentIntegrationTest {

    @TempDir
    Path dir;

    ContractControlPlane cp;
    Token alice;
    GatewayNode node;
    ControlPlaneAgent agent;
    ServerSocket echo;
    com.sun.net.httpserver.HttpServer web;
    final ExecutorService pool = Executors.newCachedThreadPool();
    final List<String> connections = new CopyOnWriteArrayList<>();
    final List<HttpExchange> exchanges = new CopyOnWriteArrayList<>();
    final List<String> controlPlane = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        cp = ContractControlPlane.start();
        alice = cp.addUser("alice", "laptop");
        node = GatewayNode.start(NodeConfigLoader.parse("""
                bindAddr = "127.0.0.1"
                bindPort = 0
                vhostHTTPPort = 0
                subdomainHost = "tunnel.test"
                publicHost = "127.0.0.1"
                allowPorts = [ { start = 30000, end = 39999 } ]
                [[tokens]]
                name = "alice"
                tokenHash = "%s"
                """.formatted(Tokens.hash(alice.secret())), "node.toml", dir));
        cp.setNode("eu1", "127.0.0.1", node.tunnelAddress().getPort(), node.fingerprint().toString(), true);
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        pool.submit(() -> {
            while (!echo.isClosed()) {
                Socket s = echo.accept();
                pool.submit(() -> {
                    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                        in.transferTo(out);
                    }
                    return null;
                });
            }
            return null;
        });
        web = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        web.createContext("/", ex -> {
            byte[] body = ("hello " + ex.getRequestURI()).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        web.start();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (agent != null) {
            agent.close();
        }
        node.close();
        cp.close();
        echo.close();
        web.stop(0);
        pool.shutdownNow();
    }

    void startAgent() {
        agent = new ControlPlaneAgent(new ControlPlaneClient(cp.uri(), alice.secret()), alice.secret(),
                new AgentListener() {
                    @Override
                    public void connectionChanged(boolean connected, String detail) {
                        connections.add(connected + " " + detail);
                    }

                    @Override
                    public void controlPlaneChanged(boolean reachable, String detail) {
                        controlPlane.add(reachable + " " + detail);
                    }
                }, t -> true);
        agent.observeHttp(exchanges::add);
        agent.start();
    }

    @Test
    void tunnelsAddedAndRemovedInTheControlPlaneApplyToTheLiveConnection() throws Exception {
        cp.createTunnel("alice", Map.of("name", "web", "type", "http", "subdomain", "web",
                "localTarget", "127.0.0.1:" + web.getAddress().getPort()));
        startAgent();
        await().atMost(Duration.ofSeconds(10)).until(() -> ready("web"));
        assertThat(get("web.tunnel.test", "/first")).startsWith("HTTP/1.1 200").endsWith("hello /first");
        await().atMost(Duration.ofSeconds(2)).until(() -> !exchanges.isEmpty());
        assertThat(exchanges).singleElement().satisfies(e -> {
            assertThat(e.tunnel()).isEqualTo("web");
            assertThat(e.method()).isEqualTo("GET");
            assertThat(e.path()).isEqualTo("/first");
            assertThat(e.status()).isEqualTo(200);
        });

        long echoId = cp.createTunnel("alice", Map.of("name", "echo", "type", "tcp",
                "localTarget", "localhost:" + echo.getLocalPort()));
        long added = System.nanoTime();
        await().atMost(Duration.ofSeconds(5)).until(() -> ready("echo"));
        // answered by the running long poll; the bound leaves room for a loaded machine and still
        // fails for an agent that would only notice when its long poll times out
        assertThat(Duration.ofNanos(System.nanoTime() - added)).isLessThan(Duration.ofMillis(2500));
        String url = agent.status().stream().filter(t -> t.status().name().equals("echo")).findFirst()
                .orElseThrow().status().urls().get(0);
        int port = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
        assertThat(echo(port, "ping")).isEqualTo("ping");

        cp.setEnabled(echoId, false);
        await().atMost(Duration.ofSeconds(2)).until(() -> agent.status().stream()
                .noneMatch(t -> t.status().name().equals("echo")));
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(refused(port)).isTrue());

        assertThat(get("web.tunnel.test", "/still")).endsWith("hello /still");
        assertThat(connections).as("one connection all along").hasSize(1).allMatch(c -> c.startsWith("true"));
    }

    @Test
    void theTunnelsKeepRunningWhileTheControlPlaneIsDown() throws Exception {
        cp.createTunnel("alice", Map.of("name", "web", "type", "http", "subdomain", "web",
                "localTarget", "localhost:" + web.getAddress().getPort()));
        startAgent();
        await().atMost(Duration.ofSeconds(10)).until(() -> ready("web"));

        cp.close();
        await().atMost(Duration.ofSeconds(35)).until(() -> controlPlane.stream()
                .anyMatch(c -> c.startsWith("false cannot reach the control plane at " + cp.uri())));

        assertThat(get("web.tunnel.test", "/down")).endsWith("hello /down");
        assertThat(connections).as("the node connection was never lost").hasSize(1);
        assertThat(agent.terminated()).isNotDone();
    }

    @Test
    void aRevokedTokenStopsTheAgent() throws Exception {
        startAgent();
        await().atMost(Duration.ofSeconds(10)).until(() -> connections.stream().anyMatch(c -> c.startsWith("true")));

        cp.revoke(alice);
        cp.createTunnel("alice", Map.of("name", "x", "type", "tcp", "localTarget", "localhost:1"));

        await().atMost(Duration.ofSeconds(5)).until(() -> agent.terminated().isCompletedExceptionally());
        assertThat(agent.terminated()).failsWithin(Duration.ZERO).withThrowableThat()
                .havingRootCause().isInstanceOf(AgentException.class)
                .withMessageContaining("the control plane rejected the token");
    }

    @Test
    void waitsForANodeAndFollowsTheTunnelsToAnotherNode() throws Exception {
        cp.createTunnel("alice", Map.of("name", "web", "type", "http", "subdomain", "web",
                "localTarget", "localhost:" + web.getAddress().getPort()));
        cp.setNode("eu1", "127.0.0.1", node.tunnelAddress().getPort(), node.fingerprint().toString(), false);
        startAgent();
        await().atMost(Duration.ofSeconds(5)).until(() -> connections.contains("false no node is online; waiting "
                + "for one"));
        assertThat(agent.status()).isEmpty();

        cp.setNode("eu1", "127.0.0.1", node.tunnelAddress().getPort(), node.fingerprint().toString(), true);
        await().atMost(Duration.ofSeconds(5)).until(() -> ready("web"));

        GatewayNode second = GatewayNode.start(NodeConfigLoader.parse("""
                bindAddr = "127.0.0.1"
                bindPort = 0
                vhostHTTPPort = 0
                subdomainHost = "tunnel.test"
                [[tokens]]
                name = "alice"
                tokenHash = "%s"
                """.formatted(Tokens.hash(alice.secret())), "node.toml", java.nio.file.Files.createDirectories(
                dir.resolve("second"))));
        try {
            cp.setNode("us1", "127.0.0.1", second.tunnelAddress().getPort(), second.fingerprint().toString(), true);
            await().atMost(Duration.ofSeconds(5)).until(() -> connections.contains("true connected to node "
                    + "127.0.0.1:" + second.tunnelAddress().getPort()) && ready("web"));
            try (Socket s = new Socket("127.0.0.1", second.vhostAddress().getPort())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write("GET /moved HTTP/1.1\r\nHost: web.tunnel.test\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                        .endsWith("hello /moved");
            }
        } finally {
            agent.close();
            second.close();
        }
    }

    private boolean ready(String name) {
        return agent.status().stream().anyMatch(t -> t.status().name().equals(name)
                && t.status().state() == TunnelState.READY);
    }

    private String get(String host, String path) throws Exception {
        try (Socket s = new Socket("127.0.0.1", node.vhostAddress().getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String echo(int port, String text) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readNBytes(text.length()), StandardCharsets.US_ASCII);
        }
    }

    private static boolean refused(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(2_000);
            s.getOutputStream().write("x".getBytes(StandardCharsets.US_ASCII));
            return s.getInputStream().read() == -1;
        } catch (java.io.IOException e) {
            return true;
        }
    }
}

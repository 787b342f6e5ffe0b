package dev.flux.node.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flux.node.GatewayNode;
import dev.flux.node.config.NodeConfig;
import dev.flux.node.config.NodeConfigLoader;
import dev.flux.node.controlplane.FakeControlPlane.Account;
import dev.flux.protocol.control.LoginAccepted;
import dev.flux.protocol.control.LoginRejected;
import dev.flux.protocol.control.TunnelClosed;
import dev.flux.protocol.control.TunnelReady;
import dev.flux.protocol.control.TunnelRejected;
import dev.flux.protocol.net.Transports;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real node (real sockets, TLS, HTTP/2) in control-plane mode against a small HTTP server in the test that
 * speaks the node API: registration with retry, tokens and tunnels as the control plane grants them, events
 * closing sessions and tunnels within 2 s, and an outage that running tunnels and known agents ride out.
 */
class ControlPlaneModeTest {

    private static final String ALICE = "flx_alice-token-0123456789abcdef";
    private static final String BOB = "flx_bob-token-0123456789abcdef";
    private static final String CAROL = "flx_carol-token-0123456789abcdef";

    @TempDir
    Path dir;
    EventLoopGroup group;
    GatewayNode node;
    FakeControlPlane controlPlane;
    int controlPlanePort;
    final List<TestAgent> agents = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        group = Transports.newGroup(1, "test-agent");
        try (ServerSocket s = new ServerSocket(0)) {
            controlPlanePort = s.getLocalPort();
        }
    }

    @AfterEach
    void tearDown() {
        agents.forEach(TestAgent::close);
        if (node != null) {
            node.close();
        }
        if (controlPlane != null) {
            controlPlane.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void registersOnceTheControlPlaneIsUpAndServesTunnelsAsItGrantsThem() throws Exception {
        node = GatewayNode.start(config());
        Thread.sleep(1500);
        assertThat(node.controlPlane().registered()).as("registered with nothing listening").isFalse();
        startControlPlane();
        awaitTrue(() -> node.controlPlane().registered(), Duration.ofSeconds(10));
        JsonNode registration = controlPlane.registrations.get(0);
        assertThat(registration.path("tunnelPort").asInt()).isEqualTo(node.tunnelAddress().getPort());
        assertThat(registration.path("httpPort").asInt()).isEqualTo(node.vhostAddress().getPort());
        assertThat(registration.path("fingerprint").asText()).isEqualTo(node.fingerprint().toString());
        assertThat(registration.path("subdomainHost").asText()).isEqualTo("127.0.0.1.nip.io");

        TestAgent alice = agent(ALICE);
        alice.await(LoginAccepted.class, Duration.ofSeconds(5));
        alice.registerHttp("web");
        TunnelReady ready = alice.await(TunnelReady.class, Duration.ofSeconds(5));
        int vhost = node.vhostAddress().getPort();
        assertThat(ready.urls()).containsExactly("http://granted.127.0.0.1.nip.io:" + vhost);
        awaitTrue(() -> controlPlane.states.contains("42 online"), Duration.ofSeconds(2));
        // the password the control plane recorded protects the tunnel
        assertThat(get("granted.127.0.0.1.nip.io", null)).startsWith("HTTP/1.1 401 ");
        assertThat(get("granted.127.0.0.1.nip.io", "u:p")).startsWith("HTTP/1.1 200 ").endsWith("ok");

        alice.registerHttp("off");
        assertThat(alice.await(TunnelRejected.class, Duration.ofSeconds(5)).reason())
                .isEqualTo("tunnel 'off' is disabled; enable it with `fluxctl tunnel enable off`");

        TestAgent stranger = agent("flx_not-a-known-token-0123456789");
        LoginRejected refused = stranger.await(LoginRejected.class, Duration.ofSeconds(5));
        assertThat(refused.reason()).isEqualTo("the token is not known to the control plane");
        assertThat(refused.shouldRetry()).isFalse();
        assertThat(stranger.awaitClosed(Duration.ofSeconds(5))).isTrue();
    }

    @Test
    void eventsCloseTunnelsAndSessionsWithinTwoSeconds() throws Exception {
        startControlPlane();
        node = GatewayNode.start(config());
        awaitTrue(() -> node.controlPlane().registered(), Duration.ofSeconds(10));
        Thread.sleep(300); // the event feed's first request has its position

        TestAgent alice = agent(ALICE);
        alice.await(LoginAccepted.class, Duration.ofSeconds(5));
        alice.registerHttp("web");
        alice.await(TunnelReady.class, Duration.ofSeconds(5));

        controlPlane.publish("tunnel_kicked", "tunnelId", 42);
        TunnelClosed closed = alice.await(TunnelClosed.class, Duration.ofSeconds(2));
        assertThat(closed.name()).isEqualTo("web");
        assertThat(closed.reason()).isEqualTo("tunnel 'web' was kicked in the control plane");
        assertThat(get("granted.127.0.0.1.nip.io", "u:p")).startsWith("HTTP/1.1 404 ");
        awaitTrue(() -> controlPlane.states.contains("42 offline"), Duration.ofSeconds(2));

        // a kicked tunnel may come back; a revoked token may not
        alice.registerHttp("web");
        alice.await(TunnelReady.class, Duration.ofSeconds(5));
        controlPlane.publish("token_revoked", "tokenId", 70);
        assertThat(alice.await(LoginRejected.class, Duration.ofSeconds(2)).reason())
                .isEqualTo("the token was revoked in the control plane; log in again (fluxctl login)");
        assertThat(alice.awaitClosed(Duration.ofSeconds(2))).isTrue();

        TestAgent bob = agent(BOB);
        bob.await(LoginAccepted.class, Duration.ofSeconds(5));
        controlPlane.publish("user_disabled", "userId", 8);
        assertThat(bob.await(LoginRejected.class, Duration.ofSeconds(2)).reason())
                .isEqualTo("your account was disabled in the control plane");
        assertThat(bob.awaitClosed(Duration.ofSeconds(2))).isTrue();
    }

    @Test
    void runningTunnelsAndKnownAgentsRideOutAnOutage() throws Exception {
        startControlPlane();
        node = GatewayNode.start(config());
        awaitTrue(() -> node.controlPlane().registered(), Duration.ofSeconds(10));
        TestAgent alice = agent(ALICE);
        alice.await(LoginAccepted.class, Duration.ofSeconds(5));
        alice.registerHttp("web");
        alice.await(TunnelReady.class, Duration.ofSeconds(5));

        controlPlane.close();
        controlPlane = null;
        assertThat(get("granted.127.0.0.1.nip.io", "u:p")).startsWith("HTTP/1.1 200 ");

        // the agent comes back during the outage: the node knows its token and its tunnel
        alice.close();
        TestAgent again = agent(ALICE);
        again.await(LoginAccepted.class, Duration.ofSeconds(5));
        again.registerHttp("web");
        again.await(TunnelReady.class, Duration.ofSeconds(5));
        assertThat(get("granted.127.0.0.1.nip.io", "u:p")).startsWith("HTTP/1.1 200 ");

        // a token the node never saw cannot be checked now: a retryable refusal, not "token rejected"
        TestAgent carol = agent(CAROL);
        LoginRejected unreachable = carol.await(LoginRejected.class, Duration.ofSeconds(10));
        assertThat(unreachable.shouldRetry()).isTrue();
        assertThat(unreachable.reason()).startsWith("control plane unreachable");
        assertThat(carol.awaitClosed(Duration.ofSeconds(5))).isTrue();

        // the next heartbeat notices the outage; when the control plane is back the node registers again and
        // reports the tunnel and the traffic it carried meanwhile
        awaitTrue(() -> !node.controlPlane().registered(), Duration.ofSeconds(8));
        startControlPlane();
        awaitTrue(() -> controlPlane.registrations.size() == 1 && node.controlPlane().registered(),
                Duration.ofSeconds(20));
        awaitTrue(() -> controlPlane.states.contains("42 online"), Duration.ofSeconds(5));
        // two visitors: one through the first connection of the agent, one through the second (both during the outage)
        try {
            awaitTrue(() -> reported(42, "connections") == 2 && reported(42, "bytesOut") > 0,
                    Duration.ofSeconds(12));
        } catch (AssertionError e) {
            throw new AssertionError("heartbeats: " + controlPlane.heartbeats, e);
        }
        TestAgent carolAgain = agent(CAROL);
        carolAgain.await(LoginAccepted.class, Duration.ofSeconds(5));
    }

    private long reported(long tunnelId, String field) {
        long sum = 0;
        for (JsonNode beat : controlPlane.heartbeats) {
            for (JsonNode t : beat.path("tunnels")) {
                if (t.path("tunnelId").asLong() == tunnelId) {
                    sum += t.path(field).asLong();
                }
            }
        }
        return sum;
    }

    private void startControlPlane() throws IOException {
        controlPlane = new FakeControlPlane(controlPlanePort);
        controlPlane.tokens.put(ALICE, new Account(7, "alice", 70));
        controlPlane.tokens.put(BOB, new Account(8, "bob", 80));
        controlPlane.tokens.put(CAROL, new Account(9, "carol", 90));
        controlPlane.grants.put("web", Map.of("tunnelId", 42, "subdomain", "granted", "basicAuth", "u:p"));
    }

    private NodeConfig config() {
        return NodeConfigLoader.parse("""
                bindAddr = "127.0.0.1"
                bindPort = 0
                vhostHTTPPort = 0
                subdomainHost = "127.0.0.1.nip.io"
                publicHost = "127.0.0.1"
                dataDir = "data"

                [controlPlane]
                url = "http://127.0.0.1:%d"
                credential = "%s"
                requestTimeout = 2
                """.formatted(controlPlanePort, FakeControlPlane.CREDENTIAL), "node.toml", dir);
    }

    private TestAgent agent(String token) throws Exception {
        TestAgent agent = TestAgent.connect(group, node.tunnelAddress(), node.fingerprint(), token);
        agents.add(agent);
        return agent;
    }

    /** A visitor's request to the vhost port; the response as text. */
    private String get(String host, String basicAuth) throws IOException {
        try (Socket s = new Socket("127.0.0.1", node.vhostAddress().getPort())) {
            s.setSoTimeout(5000);
            String auth = basicAuth == null ? "" : "Authorization: Basic "
                    + Base64.getEncoder().encodeToString(basicAuth.getBytes(StandardCharsets.UTF_8)) + "\r\n";
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\n" + auth + "Connection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Waits for {@code condition}, failing the test if it does not hold within {@code within}. */
    static void awaitTrue(BooleanSupplier condition, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + within);
            }
            Thread.sleep(20);
        }
    }
}

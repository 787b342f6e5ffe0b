package dev.flux.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flux.client.SecretTunnelIntegrationTest.EchoService;
import dev.flux.client.config.AgentConfigLoader;
import dev.flux.client.p2p.PeerSessions;
import dev.flux.node.config.NodeConfig;
import dev.flux.node.config.NodeConfigLoader;
import dev.flux.node.tunnel.SecretTunnel;
import dev.flux.node.tunnel.TunnelServer;
import dev.flux.protocol.net.Transports;
import dev.flux.protocol.tls.NodeCertificate;
import dev.flux.protocol.tls.TlsContexts;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * XTCP in one JVM on 127.0.0.1: a real node with its rendezvous port, an owner agent and a visitor agent. Peer to
 * peer, the node relays nothing of the data (its secret-relay tap counts zero bytes); with punching blocked, the
 * visitor falls back to the relay within the punch window and the data still arrives intact.
 */
class XtcpIntegrationTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final String SECRET = "p2p-secret-91ac";

    @TempDir
    Path dir;

    final ExecutorService pool = Executors.newCachedThreadPool();
    final List<AutoCloseable> resources = new ArrayList<>();
    final AtomicLong relayedBytes = new AtomicLong();
    TunnelServer server;
    int agentPort;
    String fingerprint;
    Agent owner;
    Agent visitor;
    EchoService echo;
    /** The owner's tunnel's local port: the echo service unless a test brings its own. */
    int servicePort;

    @BeforeEach
    void startNode() throws Exception {
        NodeConfig config = NodeConfigLoader.parse("""
                bindAddr = "127.0.0.1"
                bindPort = 0
                vhostHTTPPort = -1
                publicHost = "127.0.0.1"
                [[tokens]]
                name = "alice"
                token = "flx_owner-token-0123456789abcdef"
                [[tokens]]
                name = "bob"
                token = "flx_visitor-token-0123456789abcdef"
                """, "node.toml", dir);
        NodeCertificate certificate = NodeCertificate.generate(List.of("127.0.0.1"));
        EventLoopGroup group = Transports.newGroup(2, "test-node");
        ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        server = new TunnelServer(config, TlsContexts.forNode(certificate), group, group, channels);
        resources.add(() -> group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly());
        resources.add(() -> channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS));
        resources.add(server::stop);
        agentPort = server.start().getPort();
        assertThat(server.rendezvous().port()).as("the rendezvous port is open").isPositive();
        fingerprint = certificate.fingerprint().toString();
        server.tapSecretRelay(b -> relayedBytes.addAndGet(b.readableBytes()));
        echo = new EchoService();
        resources.add(echo);
        pool.submit(echo::serve);
        servicePort = echo.port();
    }

    @AfterEach
    void tearDown() throws Exception {
        PeerSessions.dropPunchesForTests(false);
        for (Agent a : new Agent[] {visitor, owner}) {
            if (a != null) {
                a.close();
            }
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        pool.shutdownNow();
    }

    private Agent agent(String token, String body) throws InterruptedException {
        CountDownLatch connected = new CountDownLatch(1);
        Agent a = new Agent(AgentConfigLoader.parse("""
                serverAddr = "127.0.0.1"
                serverPort = %d
                token = "%s"
                [tls]
                fingerprint = "%s"
                """.formatted(agentPort, token, fingerprint) + body, "flux.toml", dir), new AgentListener() {
                    @Override
                    public void connectionChanged(boolean up, String detail) {
                        if (up) {
                            connected.countDown();
                        }
                    }
                });
        a.start();
        assertThat(connected.await(10, TimeUnit.SECONDS)).as("agent logged in").isTrue();
        return a;
    }

    private int start() throws InterruptedException {
        return start(SECRET);
    }

    private int start(String visitorSecret) throws InterruptedException {
        owner = agent("flx_owner-token-0123456789abcdef", ownerConfig());
        await().atMost(Duration.ofSeconds(10)).until(() -> owner.status().stream()
                .allMatch(t -> t.state() == TunnelState.READY));
        assertThat(owner.status().get(0).urls()).containsExactly("xtcp://alice/echo");
        visitor = agent("flx_visitor-token-0123456789abcdef", """
                [[visitors]]
                name = "v"
                type = "xtcp"
                serverName = "echo"
                secretKey = "%s"
                bindPort = 0
                """.formatted(visitorSecret));
        return visitor.visitorAddresses().get(0).getPort();
    }

    private String ownerConfig() {
        return """
                [[tunnels]]
                name = "echo"
                type = "xtcp"
                localPort = %d
                secretKey = "%s"
                """.formatted(servicePort, SECRET);
    }

    /** Echoes {@code size} random bytes on each of {@code connections} parallel connections; checks SHA-256. */
    private void echoes(int port, int connections, int size) throws Exception {
        List<Future<Boolean>> results = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            int seed = c;
            results.add(pool.submit(() -> {
                byte[] data = new byte[size];
                new Random(seed).nextBytes(data);
                try (Socket s = new Socket(LOOPBACK, port)) {
                    s.setSoTimeout(30_000);
                    Future<?> writer = pool.submit(() -> {
                        s.getOutputStream().write(data);
                        s.shutdownOutput();
                        return null;
                    });
                    byte[] back = s.getInputStream().readAllBytes();
                    writer.get();
                    assertThat(back.length).as("bytes back on connection " + seed).isEqualTo(data.length);
                    return Arrays.equals(sha256(back), sha256(data));
                }
            }));
        }
        for (Future<Boolean> r : results) {
            assertThat(r.get(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void peerToPeerCarriesEveryConnectionAndTheNodeRelaysNone() throws Exception {
        int port = start();

        echoes(port, 8, 512 * 1024);
        // a second round reuses the established session
        echoes(port, 2, 64 * 1024);

        assertThat(relayedBytes.get()).as("bytes the node relayed for the tunnel").isZero();
        assertThat(echo.accepted.get()).isEqualTo(10);
        SecretTunnel tunnel = (SecretTunnel) server.registry().tunnels().get(0);
        assertThat(tunnel.counter().totalConnections()).as("visits the node served").isZero();
    }

    @Test
    void aSessionWhoseOwnerRestartedIsSetUpAgain() throws Exception {
        int port = start();
        echoes(port, 1, 64 * 1024);

        owner.close();
        owner = agent("flx_owner-token-0123456789abcdef", ownerConfig());
        await().atMost(Duration.ofSeconds(10)).until(() -> owner.status().stream()
                .allMatch(t -> t.state() == TunnelState.READY));

        echoes(port, 2, 64 * 1024);
        assertThat(relayedBytes.get()).as("the new session is peer to peer too").isZero();
        assertThat(echo.accepted.get()).isEqualTo(3);
    }

    @Test
    void whenPunchingFailsTheVisitorRelaysThroughTheNode() throws Exception {
        PeerSessions.dropPunchesForTests(true);
        int port = start();

        long startNanos = System.nanoTime();
        echoes(port, 3, 256 * 1024);
        assertThat(Duration.ofNanos(System.nanoTime() - startNanos)).as("fallback within the punch window")
                .isLessThan(Duration.ofSeconds(15));

        assertThat(relayedBytes.get()).as("ciphertext both ways through the node").isGreaterThan(2L * 3 * 256 * 1024);
        SecretTunnel tunnel = (SecretTunnel) server.registry().tunnels().get(0);
        assertThat(tunnel.counter().totalConnections()).isEqualTo(3);
    }

    @Test
    void aWrongSecretCanNeitherPunchNorGetIn() throws Exception {
        int port = start("not-the-secret");

        long startNanos = System.nanoTime();
        try (Socket s = new Socket(LOOPBACK, port)) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write("anyone there?".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(s.getInputStream().read()).as("the connection is closed, nothing echoed").isEqualTo(-1);
        } catch (java.io.IOException reset) {
            // a reset is as good as a close here
        }
        // its punches fail authentication, so it relays, and the owner refuses the secret's proof
        assertThat(Duration.ofNanos(System.nanoTime() - startNanos)).isLessThan(Duration.ofSeconds(15));
        assertThat(echo.accepted.get()).as("the owner never dialled its service").isZero();
        SecretTunnel tunnel = (SecretTunnel) server.registry().tunnels().get(0);
        assertThat(tunnel.counter().totalConnections()).as("the visit went through the relay").isEqualTo(1);
    }

    @Test
    void streamsWhoseServiceHungUpMidUploadDoNotStallTheSession() throws Exception {
        // the owner's service takes one byte of each of the first connections and hangs up; the visitor's client
        // goes on writing 12 MiB into each: more, together, than the session's whole flow-control window (32 MiB)
        int hangUps = 5;
        int upload = 12 * 1024 * 1024;
        try (java.net.ServerSocket service = new java.net.ServerSocket(0, 50, LOOPBACK)) {
            java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
            pool.submit(() -> {
                while (!service.isClosed()) {
                    Socket s = service.accept();
                    if (accepted.incrementAndGet() <= hangUps) {
                        s.getInputStream().read();
                        s.close();
                    } else {
                        pool.submit(() -> {
                            try (s) {
                                s.getInputStream().transferTo(s.getOutputStream());
                            }
                            return null;
                        });
                    }
                }
                return null;
            });
            servicePort = service.getLocalPort();
            int port = start();

            for (int i = 0; i < hangUps; i++) {
                try (Socket s = new Socket(LOOPBACK, port)) {
                    // the client keeps writing after the hang-up: its bytes reach the owner's closed stream, where
                    // they stayed unread (and their flow-control credit with them) before the fix
                    Future<?> writer = pool.submit(() -> {
                        s.getOutputStream().write(new byte[upload]);
                        return null;
                    });
                    try {
                        writer.get(4, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException dropped) {
                        // the connection was closed under the writer
                    } catch (java.util.concurrent.TimeoutException blocked) {
                        writer.cancel(true);
                    }
                }
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> accepted.get() == hangUps);

            echoes(port, 2, 256 * 1024);
            assertThat(relayedBytes.get()).as("still peer to peer").isZero();
        }
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }
}

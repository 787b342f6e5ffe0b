package dev.flux.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flux.client.config.AgentConfigLoader;
import dev.flux.node.config.NodeConfig;
import dev.flux.node.config.NodeConfigLoader;
import dev.flux.node.tunnel.SecretTunnel;
import dev.flux.node.tunnel.TunnelServer;
import dev.flux.protocol.net.Transports;
import dev.flux.protocol.tls.NodeCertificate;
import dev.flux.protocol.tls.TlsContexts;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * STCP and SUDP end to end in one JVM: a real node, an owner agent and a visitor agent (each its own TLS connection
 * and token), real sockets on 127.0.0.1. The node's relay is tapped to prove it only ever carries ciphertext.
 */
class SecretTunnelIntegrationTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final String SECRET = "open-sesame-4f1c9e";
    private static final String MARKER = "FLUX-PLAINTEXT-MARKER-7d3a";

    @TempDir
    Path dir;

    final ExecutorService pool = Executors.newCachedThreadPool();
    final List<AutoCloseable> resources = new ArrayList<>();
    final ByteArrayOutputStream relayed = new ByteArrayOutputStream();
    final AtomicLong relayedBytes = new AtomicLong();
    volatile boolean recordRelay = true;
    TunnelServer server;
    int agentPort;
    String fingerprint;
    Agent owner;
    Agent visitor;
    EchoService echo;

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
        fingerprint = certificate.fingerprint().toString();
        server.tapSecretRelay(b -> {
            relayedBytes.addAndGet(b.readableBytes());
            if (recordRelay) {
                synchronized (relayed) {
                    relayed.writeBytes(ByteBufUtil.getBytes(b));
                }
            }
        });
        echo = new EchoService();
        resources.add(echo);
        pool.submit(echo::serve);
    }

    @AfterEach
    void tearDown() throws Exception {
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

    private Agent agent(String token, String body) {
        java.util.concurrent.CountDownLatch connected = new java.util.concurrent.CountDownLatch(1);
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
        try {
            assertThat(connected.await(10, TimeUnit.SECONDS)).as("agent logged in").isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return a;
    }

    private void startOwner(String extra) {
        owner = agent("flx_owner-token-0123456789abcdef", """
                [[tunnels]]
                name = "echo"
                type = "stcp"
                localPort = %d
                secretKey = "%s"
                """.formatted(echo.port(), SECRET) + extra);
        await().atMost(Duration.ofSeconds(10)).until(() -> owner.status().stream()
                .allMatch(t -> t.state() == TunnelState.READY));
        assertThat(owner.status().get(0).urls()).containsExactly("stcp://alice/echo");
    }

    private int startVisitor(String serverName, String secret, String type, String extra) {
        visitor = agent("flx_visitor-token-0123456789abcdef", """
                [[visitors]]
                name = "v"
                type = "%s"
                serverName = "%s"
                secretKey = "%s"
                bindPort = 0
                """.formatted(type, serverName, secret) + extra);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.registry().sessions().size() == 2);
        return visitor.visitorAddresses().get(0).getPort();
    }

    @Test
    void aVisitorReachesTheOwnersServiceAndTheNodeRelaysCiphertextOnly() throws Exception {
        startOwner("");
        int port = startVisitor("echo", SECRET, "stcp", "");

        try (Socket s = new Socket(LOOPBACK, port)) {
            s.setSoTimeout(10_000);
            byte[] message = (MARKER + " hello through the secret tunnel " + MARKER).getBytes(StandardCharsets.UTF_8);
            s.getOutputStream().write(message);
            assertThat(s.getInputStream().readNBytes(message.length)).isEqualTo(message);
            s.shutdownOutput();
            assertThat(s.getInputStream().read()).as("the owner's FIN reaches the visitor").isEqualTo(-1);
        }

        assertThat(relayedBytes.get()).isGreaterThan(2L * MARKER.length());
        String seen;
        synchronized (relayed) {
            seen = relayed.toString(StandardCharsets.ISO_8859_1);
        }
        assertThat(seen).doesNotContain(MARKER).doesNotContain("hello through");
        SecretTunnel tunnel = (SecretTunnel) server.registry().tunnels().get(0);
        assertThat(tunnel.counter().totalConnections()).isEqualTo(1);
    }

    @Test
    void sixteenParallelConnectionsEachGetTheirOwnBytesBack() throws Exception {
        recordRelay = false;
        startOwner("");
        int port = startVisitor("echo", SECRET, "stcp", "");

        int size = 1024 * 1024;
        List<Future<Boolean>> results = new ArrayList<>();
        for (int c = 0; c < 16; c++) {
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
        assertThat(relayedBytes.get()).as("ciphertext both ways, a little more than the data")
                .isGreaterThan(2L * 16 * size);
    }

    /**
     * Far more than the stream windows and the node's water marks, read back by a reader that keeps pausing: both
     * directions of the node's bridge stop and resume reading many times, and every byte arrives in order.
     */
    @Test
    void aLargeTransferToASlowReaderArrivesIntact() throws Exception {
        recordRelay = false;
        startOwner("");
        int port = startVisitor("echo", SECRET, "stcp", "");

        byte[] data = new byte[24 * 1024 * 1024];
        new Random(11).nextBytes(data);
        try (Socket s = new Socket(LOOPBACK, port)) {
            s.setSoTimeout(30_000);
            Future<?> writer = pool.submit(() -> {
                s.getOutputStream().write(data);
                s.shutdownOutput();
                return null;
            });
            MessageDigest back = MessageDigest.getInstance("SHA-256");
            byte[] chunk = new byte[64 * 1024];
            long total = 0;
            for (int n, reads = 0; (n = s.getInputStream().read(chunk)) >= 0; reads++) {
                back.update(chunk, 0, n);
                total += n;
                if (reads % 64 == 0) {
                    Thread.sleep(20); // lets every buffer on the way fill up
                }
            }
            writer.get(60, TimeUnit.SECONDS);
            assertThat(total).isEqualTo(data.length);
            assertThat(back.digest()).isEqualTo(sha256(data));
        }
    }

    @Test
    void aWrongSecretIsRefusedBeforeTheServiceIsDialled() throws Exception {
        startOwner("");
        int port = startVisitor("echo", "not-the-secret", "stcp", "");

        long start = System.nanoTime();
        try (Socket s = new Socket(LOOPBACK, port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("anyone there?".getBytes(StandardCharsets.UTF_8));
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        } catch (IOException reset) {
            // a reset is as good as a close here
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(echo.accepted.get()).as("the owner never dialled its service").isZero();
        String seen;
        synchronized (relayed) {
            seen = relayed.toString(StandardCharsets.ISO_8859_1);
        }
        assertThat(seen).doesNotContain("anyone there");
    }

    @Test
    void onlyTheListedUsersMayVisit() throws Exception {
        startOwner("allowUsers = [\"carol\"]\n");
        int port = startVisitor("echo", SECRET, "stcp", "");

        try (Socket s = new Socket(LOOPBACK, port)) {
            s.setSoTimeout(10_000);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(echo.accepted.get()).isZero();
    }

    @Test
    void aVisitorOfAnUnknownTunnelIsClosed() throws Exception {
        startOwner("");
        int port = startVisitor("nope", SECRET, "stcp", "");

        try (Socket s = new Socket(LOOPBACK, port)) {
            s.setSoTimeout(10_000);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void sudpCarriesDnsLikeRequestsWithTheirBoundaries() throws Exception {
        try (DatagramSocket dns = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            pool.submit(() -> {
                byte[] buf = new byte[2048];
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                while (!dns.isClosed()) {
                    p.setLength(buf.length);
                    dns.receive(p);
                    byte[] answer = ("answer:" + new String(buf, 0, p.getLength(), StandardCharsets.UTF_8))
                            .getBytes(StandardCharsets.UTF_8);
                    dns.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
                }
                return null;
            });
            startOwner("""
                    [[tunnels]]
                    name = "dns"
                    type = "sudp"
                    localPort = %d
                    secretKey = "%s"
                    """.formatted(dns.getLocalPort(), SECRET));
            int port = startVisitor("dns", SECRET, "sudp", "");

            AtomicInteger resent = new AtomicInteger();
            List<Future<Integer>> clients = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                int client = c;
                clients.add(pool.submit(() -> {
                    int ok = 0;
                    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
                        s.setSoTimeout(1_000);
                        for (int q = 0; q < 50; q++) {
                            String query = MARKER + " client " + client + " query " + q;
                            byte[] bytes = query.getBytes(StandardCharsets.UTF_8);
                            byte[] buf = new byte[2048];
                            for (int attempt = 0; attempt < 5; attempt++) {
                                s.send(new DatagramPacket(bytes, bytes.length, LOOPBACK, port));
                                DatagramPacket p = new DatagramPacket(buf, buf.length);
                                try {
                                    s.receive(p);
                                } catch (SocketTimeoutException e) {
                                    resent.incrementAndGet();
                                    continue;
                                }
                                if (new String(buf, 0, p.getLength(), StandardCharsets.UTF_8)
                                        .equals("answer:" + query)) {
                                    ok++;
                                    break;
                                }
                            }
                        }
                    }
                    return ok;
                }));
            }
            int answered = 0;
            for (Future<Integer> f : clients) {
                answered += f.get(60, TimeUnit.SECONDS);
            }
            assertThat(answered).isEqualTo(200);
            String seen;
            synchronized (relayed) {
                seen = relayed.toString(StandardCharsets.ISO_8859_1);
            }
            assertThat(relayedBytes.get()).isPositive();
            assertThat(seen).doesNotContain(MARKER);
        }
    }

    private static byte[] sha256(byte[] data) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }

    /** A TCP echo service, one thread per connection; counts the connections it accepted. */
    static final class EchoService implements AutoCloseable {
        final ServerSocket socket;
        final AtomicInteger accepted = new AtomicInteger();
        final ExecutorService threads = Executors.newCachedThreadPool();

        EchoService() throws IOException {
            socket = new ServerSocket(0, 50, LOOPBACK);
        }

        int port() {
            return socket.getLocalPort();
        }

        Void serve() {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    accepted.incrementAndGet();
                    threads.submit(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                            s.shutdownOutput();
                        }
                        return null;
                    });
                } catch (IOException e) {
                    return null;
                }
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            socket.close();
            threads.shutdownNow();
        }
    }
}

package dev.flux.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flux.client.config.AgentConfigLoader;
import dev.flux.node.GatewayNode;
import dev.flux.node.config.NodeConfigLoader;
import dev.flux.node.tunnel.UdpTunnel;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** UDP tunnels end to end: a real node and a real agent in one JVM, real datagram sockets on 127.0.0.1. */
class UdpTunnelIntegrationTest {

    private static final Logger log = LoggerFactory.getLogger(UdpTunnelIntegrationTest.class);
    private static final String TOKEN = "flx_udp-integration-test-token-0123456789";
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int SOCKET_BUFFER = 4 * 1024 * 1024;

    @TempDir
    Path dir;

    final ExecutorService pool = Executors.newCachedThreadPool();
    final List<AutoCloseable> resources = new ArrayList<>();
    Agent agent;
    int agentPort;
    String fingerprint;
    /** The node's view of the tunnels; set by whichever way the test started its node. */
    java.util.function.Supplier<List<UdpTunnel>> nodeTunnels;

    @AfterEach
    void tearDown() throws Exception {
        if (agent != null) {
            agent.close();
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        pool.shutdownNow();
    }

    @Test
    void dnsLikeRequestsFromManyVisitorsEachGetTheirOwnAnswers() throws Exception {
        startGatewayNode();
        // the "resolver" answers each query with its id and the reversed query, so each answer proves its request
        UdpService dns = service(UdpTunnelIntegrationTest::answer);
        startAgent(tunnel("dns", dns.port(), 0));
        int port = remotePort(0);

        int visitors = 20;
        int requests = 200;
        AtomicInteger retries = new AtomicInteger();
        List<Future<Integer>> results = new ArrayList<>();
        for (int v = 0; v < visitors; v++) {
            int visitor = v;
            results.add(pool.submit(() -> {
                int answered = 0;
                try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
                    s.setSoTimeout(1_000);
                    for (int id = 0; id < requests; id++) {
                        byte[] query = request(visitor, id, "host-" + id + ".visitor-" + visitor + ".test");
                        if (exchange(s, port, query, retries)) {
                            answered++;
                        }
                    }
                }
                return answered;
            }));
        }
        int answered = 0;
        for (Future<Integer> r : results) {
            answered += r.get(60, TimeUnit.SECONDS);
        }

        log.info("dns-like: {} of {} queries answered, {} resent after a 1 s timeout", answered, visitors * requests,
                retries.get());
        assertThat(answered).isEqualTo(visitors * requests);
        assertThat(dns.senders()).as("one agent-side socket per visitor").hasSize(visitors);
        UdpTunnel tunnel = nodeTunnels.get().get(0);
        assertThat(tunnel.openSessions()).isEqualTo(visitors);
        assertThat(tunnel.droppedAtSessionLimit()).isZero();
        TunnelStatus status = agent.status().get(0);
        assertThat(status.connections()).as("sessions on the agent").isEqualTo(visitors);
        assertThat(status.bytesIn()).isPositive();
        assertThat(status.bytesOut()).isPositive();
    }

    @Test
    void bulkDatagramsKeepTheirBoundaries() throws Exception {
        startGatewayNode();
        UdpService echo = service(UnaryOperator.identity());
        startAgent(tunnel("echo", echo.port(), 0));
        int port = remotePort(0);

        Bulk direct = Bulk.run(new InetSocketAddress(LOOPBACK, echo.port()), pool);
        Bulk tunnelled = Bulk.run(new InetSocketAddress(LOOPBACK, port), pool);
        log.info("bulk direct to the echo service: {}", direct);
        log.info("bulk through the UDP tunnel:     {}", tunnelled);
        UdpTunnel tunnel = nodeTunnels.get().get(0);
        log.info("node drops: {} toward the agent, {} toward visitors", tunnel.droppedTowardAgent(),
                tunnel.droppedTowardVisitors());

        assertThat(tunnelled.corrupt).as("datagrams not exactly as sent (merged, split or damaged)").isZero();
        assertThat(tunnelled.duplicates).isZero();
        assertThat(tunnelled.received).as("datagrams back of %d", Bulk.COUNT)
                .isGreaterThanOrEqualTo(Bulk.COUNT * 95 / 100);
        assertThat(agent.status().get(0).connections()).isEqualTo(1);
    }

    @Test
    void anIdleSessionExpiresAndItsStreamAndSocketClose() throws Exception {
        startGatewayNode("udpSessionIdleSeconds = 1\n" + NODE_TOML);
        UdpService echo = service(UnaryOperator.identity());
        startAgent(tunnel("echo", echo.port(), 0));
        int port = remotePort(0);

        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            s.setSoTimeout(2_000);
            // traffic every 300 ms keeps the session for longer than its idle time
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2_500);
            int n = 0;
            long idleFrom;
            do {
                Thread.sleep(300);
                assertThat(echoOnce(s, port, "keep-" + n++)).isTrue();
                idleFrom = System.nanoTime();
            } while (idleFrom < until);
            assertThat(echo.senders()).as("one session throughout").hasSize(1);
            assertThat(nodeTunnels.get().get(0).openSessions()).isEqualTo(1);

            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                    .until(() -> nodeTunnels.get().get(0).openSessions() == 0);
            long expiredAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - idleFrom);
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                    .until(() -> agent.status().get(0).connections() == 0);
            log.info("idle session expired {} ms after its last datagram (idle time 1,000 ms)", expiredAfterMillis);
            assertThat(expiredAfterMillis).isBetween(950L, 3_000L);

            // the visitor comes back: a new session, so a new socket on the agent
            assertThat(echoOnce(s, port, "back")).isTrue();
            assertThat(echo.senders()).hasSize(2);
            assertThat(nodeTunnels.get().get(0).openSessions()).isEqualTo(1);
        }
    }

    @Test
    void aLocalServiceThatIsNotListeningYetCostsDatagramsNotTheSession() throws Exception {
        startGatewayNode();
        int localPort;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            localPort = probe.getLocalPort();
        }
        startAgent(tunnel("later", localPort, 0));
        int port = remotePort(0);

        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            s.setSoTimeout(300);
            // nothing listens: the agent's socket gets ICMP port unreachable, counts it and carries on
            for (int i = 0; i < 5; i++) {
                s.send(packet(("lost-" + i).getBytes(StandardCharsets.US_ASCII), port));
                Thread.sleep(50);
            }
            UdpService late = service(UnaryOperator.identity(), localPort);
            s.setSoTimeout(1_000);
            boolean answered = false;
            for (int i = 0; i < 3 && !answered; i++) {
                answered = echoOnce(s, port, "now");
            }
            assertThat(answered).isTrue();
            assertThat(late.senders()).hasSize(1);
            assertThat(nodeTunnels.get().get(0).openSessions()).isEqualTo(1);
        }
    }

    @Test
    void visitorsBeyondTheSessionLimitAreDroppedAndCounted() throws Exception {
        startGatewayNode(NODE_TOML + "maxConnectionsPerTunnel = 3\n");
        UdpService echo = service(UnaryOperator.identity());
        startAgent(tunnel("echo", echo.port(), 0));
        int port = remotePort(0);
        UdpTunnel tunnel = nodeTunnels.get().get(0);
        assertThat(tunnel.maxSessions()).as("the token's connection limit applies to sessions").isEqualTo(3);

        List<DatagramSocket> visitors = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
                s.setSoTimeout(i < 3 ? 2_000 : 300);
                visitors.add(s);
            }
            for (int i = 0; i < 3; i++) {
                assertThat(echoOnce(visitors.get(i), port, "in-" + i)).as("visitor %d", i).isTrue();
            }
            for (int i = 3; i < 5; i++) {
                assertThat(echoOnce(visitors.get(i), port, "out-" + i)).as("visitor %d", i).isFalse();
            }
            assertThat(tunnel.openSessions()).isEqualTo(3);
            assertThat(tunnel.droppedAtSessionLimit()).isEqualTo(2);
            assertThat(echoOnce(visitors.get(0), port, "still")).as("admitted visitors carry on").isTrue();
        } finally {
            for (DatagramSocket s : visitors) {
                s.close();
            }
        }
    }

    @Test
    void udpPortsAreTheirOwnNamespaceAndRefusalsSayWhy() throws Exception {
        startGatewayNode();
        UdpService echo = service(UnaryOperator.identity());
        int shared = freeAllowedPort();
        // a port the node allows, held by some other program
        DatagramSocket squatter = new DatagramSocket(new InetSocketAddress(LOOPBACK, freeAllowedPort()));
        resources.add(squatter);
        int taken = squatter.getLocalPort();
        startAgent(tunnel("udp", echo.port(), shared) + """
                [[tunnels]]
                name = "tcp"
                type = "tcp"
                localPort = %d
                remotePort = %d
                """.formatted(echo.port(), shared) + tunnel("taken", echo.port(), taken)
                + tunnel("outside", echo.port(), 1024));

        await().atMost(Duration.ofSeconds(10)).until(() -> agent.status().get(0).state() == TunnelState.READY
                && agent.status().get(1).state() == TunnelState.READY
                && agent.status().get(2).error() != null && agent.status().get(3).error() != null);
        List<TunnelStatus> status = agent.status();
        assertThat(status.get(0).urls()).containsExactly("udp://127.0.0.1:" + shared);
        assertThat(status.get(1).urls()).containsExactly("tcp://127.0.0.1:" + shared);
        assertThat(status.get(2).state()).isEqualTo(TunnelState.REJECTED);
        assertThat(status.get(2).error()).startsWith("remote UDP port " + taken + " is already in use on the node (");
        assertThat(status.get(3).error()).isEqualTo("remote UDP port 1024 is not allowed on this node (allowed: "
                + "30000-39999)");
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            s.setSoTimeout(2_000);
            assertThat(echoOnce(s, shared, "shared")).isTrue();
        }
    }

    // --- the node and the agent

    private static final String NODE_TOML = """
            bindAddr = "127.0.0.1"
            bindPort = 0
            vhostHTTPPort = -1
            publicHost = "127.0.0.1"
            allowPorts = [ { start = 30000, end = 39999 } ]
            [[tokens]]
            name = "it"
            token = "%s"
            """.formatted(TOKEN);

    private void startGatewayNode() throws Exception {
        startGatewayNode(NODE_TOML);
    }

    private void startGatewayNode(String toml) throws Exception {
        GatewayNode node = GatewayNode.start(NodeConfigLoader.parse(toml, "node.toml", dir));
        resources.add(node);
        agentPort = node.tunnelAddress().getPort();
        fingerprint = node.fingerprint().toString();
        nodeTunnels = () -> udpTunnels(node.registry().tunnels());
    }

    private static List<UdpTunnel> udpTunnels(List<dev.flux.node.tunnel.Tunnel> tunnels) {
        return tunnels.stream().filter(UdpTunnel.class::isInstance).map(UdpTunnel.class::cast).toList();
    }

    private static String tunnel(String name, int localPort, int remotePort) {
        return """
                [[tunnels]]
                name = "%s"
                type = "udp"
                localPort = %d
                remotePort = %d
                """.formatted(name, localPort, remotePort);
    }

    private void startAgent(String tunnels) {
        agent = new Agent(AgentConfigLoader.parse("""
                serverAddr = "127.0.0.1"
                serverPort = %d
                token = "%s"
                [tls]
                fingerprint = "%s"
                """.formatted(agentPort, TOKEN, fingerprint) + tunnels, "flux.toml", dir), new AgentListener() { });
        agent.start();
    }

    /** Waits for a tunnel to be ready and returns its port on the node. */
    private int remotePort(int index) {
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.status().get(index).state() == TunnelState.READY);
        String url = agent.status().get(index).urls().get(0);
        assertThat(url).startsWith("udp://127.0.0.1:");
        return Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
    }

    /** A port in the node's allowed range (30000-39999) that is free for both UDP and TCP. */
    private static int freeAllowedPort() throws SocketException {
        Random random = new Random();
        for (int i = 0; i < 100; i++) {
            int p = 30000 + random.nextInt(10000);
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, p));
                 java.net.ServerSocket t = new java.net.ServerSocket(p, 1, LOOPBACK)) {
                return p;
            } catch (IOException e) {
                // taken; try another
            }
        }
        throw new SocketException("no free port found");
    }

    // --- local services and visitors

    private UdpService service(UnaryOperator<byte[]> reply) throws SocketException {
        return service(reply, 0);
    }

    private UdpService service(UnaryOperator<byte[]> reply, int port) throws SocketException {
        UdpService s = new UdpService(reply, port);
        resources.add(s);
        pool.submit(s::serve);
        return s;
    }

    /** A local UDP service: answers every datagram with {@code reply(datagram)} and records who sent it. */
    static final class UdpService implements AutoCloseable {
        private final DatagramSocket socket;
        private final UnaryOperator<byte[]> reply;
        private final Set<InetSocketAddress> senders = ConcurrentHashMap.newKeySet();

        UdpService(UnaryOperator<byte[]> reply, int port) throws SocketException {
            this.reply = reply;
            socket = new DatagramSocket(null);
            socket.setReceiveBufferSize(SOCKET_BUFFER);
            socket.setSendBufferSize(SOCKET_BUFFER);
            socket.bind(new InetSocketAddress(LOOPBACK, port));
        }

        int port() {
            return socket.getLocalPort();
        }

        Set<InetSocketAddress> senders() {
            return senders;
        }

        Void serve() throws IOException {
            byte[] buf = new byte[65_536];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            while (!socket.isClosed()) {
                p.setLength(buf.length);
                try {
                    socket.receive(p);
                } catch (SocketException e) {
                    return null; // closed
                }
                senders.add((InetSocketAddress) p.getSocketAddress());
                byte[] answer = reply.apply(java.util.Arrays.copyOfRange(buf, 0, p.getLength()));
                socket.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
            }
            return null;
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /** A query: visitor number, query id, name. */
    private static byte[] request(int visitor, int id, String name) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(8 + n.length).putInt(visitor).putInt(id).put(n).array();
    }

    /** The resolver's answer: the query's visitor and id, then the name reversed. */
    private static byte[] answer(byte[] query) {
        byte[] a = query.clone();
        for (int i = 8, j = a.length - 1; i < j; i++, j--) {
            byte t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }

    /** Sends a query until its answer comes (at most 5 tries); answers to earlier tries are skipped. */
    private static boolean exchange(DatagramSocket s, int port, byte[] query, AtomicInteger retries)
            throws IOException {
        byte[] expected = answer(query);
        byte[] buf = new byte[2048];
        for (int attempt = 0; attempt < 5; attempt++) {
            if (attempt > 0) {
                retries.incrementAndGet();
            }
            s.send(packet(query, port));
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                while (true) {
                    s.receive(p);
                    byte[] got = java.util.Arrays.copyOf(buf, p.getLength());
                    if (java.util.Arrays.equals(got, expected)) {
                        return true;
                    }
                    // an answer to an earlier try of an earlier query is fine; one for another visitor is not
                    assertThat(ByteBuffer.wrap(got).getInt()).as("answer for this visitor")
                            .isEqualTo(ByteBuffer.wrap(query).getInt());
                }
            } catch (SocketTimeoutException e) {
                // lost: ask again, as a resolver client does
            }
        }
        return false;
    }

    private static boolean echoOnce(DatagramSocket s, int port, String text) throws IOException {
        byte[] data = text.getBytes(StandardCharsets.US_ASCII);
        s.send(packet(data, port));
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            s.receive(p);
        } catch (SocketTimeoutException e) {
            return false;
        }
        return new String(buf, 0, p.getLength(), StandardCharsets.US_ASCII).equals(text);
    }

    private static DatagramPacket packet(byte[] data, int port) {
        return new DatagramPacket(data, data.length, new InetSocketAddress(LOOPBACK, port));
    }

    /**
     * One bulk run: {@link #COUNT} datagrams of {@link #SIZE} B to an echo, each carrying its index and a CRC-32
     * of the rest, at most {@link #WINDOW} unanswered at a time (a sender paced by what comes back, as a
     * bandwidth-limited iperf3 run is paced by its rate).
     */
    static final class Bulk {
        static final int COUNT = 10_000;
        static final int SIZE = 1_200;
        static final int WINDOW = 256;

        int received;
        int corrupt;
        int duplicates;
        long nanos;

        static Bulk run(InetSocketAddress target, ExecutorService pool) throws Exception {
            Bulk b = new Bulk();
            BitSet seen = new BitSet(COUNT);
            AtomicLong back = new AtomicLong();
            try (DatagramSocket s = new DatagramSocket(null)) {
                s.setReceiveBufferSize(SOCKET_BUFFER);
                s.setSendBufferSize(SOCKET_BUFFER);
                s.bind(new InetSocketAddress(LOOPBACK, 0));
                s.setSoTimeout(1_000);
                AtomicLong lastArrival = new AtomicLong();
                Future<?> reader = pool.submit(() -> {
                    byte[] buf = new byte[65_536];
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    while (back.get() < COUNT) {
                        p.setLength(buf.length);
                        try {
                            s.receive(p);
                        } catch (SocketTimeoutException e) {
                            return null; // the rest is lost
                        }
                        lastArrival.set(System.nanoTime());
                        back.incrementAndGet();
                        int index = check(buf, p.getLength());
                        if (index < 0) {
                            b.corrupt++;
                        } else if (seen.get(index)) {
                            b.duplicates++;
                        } else {
                            seen.set(index);
                        }
                    }
                    return null;
                });
                long start = System.nanoTime();
                byte[] data = new byte[SIZE];
                long writtenOff = 0; // datagrams given up for lost, so that losses do not shrink the window
                for (int i = 0; i < COUNT; i++) {
                    fill(data, i);
                    s.send(new DatagramPacket(data, SIZE, target));
                    long waitUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
                    long outstanding;
                    while ((outstanding = i + 1 - back.get() - writtenOff) > WINDOW) {
                        if (System.nanoTime() > waitUntil) {
                            writtenOff += outstanding - WINDOW;
                            break;
                        }
                        LockSupport.parkNanos(20_000);
                    }
                }
                reader.get(30, TimeUnit.SECONDS);
                b.nanos = lastArrival.get() - start;
            }
            b.received = seen.cardinality();
            return b;
        }

        private static void fill(byte[] data, int index) {
            new Random(index).nextBytes(data);
            ByteBuffer.wrap(data).putInt(0, index);
            CRC32 crc = new CRC32();
            crc.update(data, 8, SIZE - 8);
            ByteBuffer.wrap(data).putInt(4, (int) crc.getValue());
        }

        /** The datagram's index, or -1 when it is not exactly a datagram as sent. */
        private static int check(byte[] buf, int length) {
            if (length != SIZE) {
                return -1;
            }
            ByteBuffer b = ByteBuffer.wrap(buf, 0, length);
            int index = b.getInt(0);
            CRC32 crc = new CRC32();
            crc.update(buf, 8, SIZE - 8);
            return index >= 0 && index < COUNT && b.getInt(4) == (int) crc.getValue() ? index : -1;
        }

        @Override
        public String toString() {
            // from the first datagram sent to the last one back
            double seconds = nanos / 1e9;
            return String.format("%d of %d back (%.2f %% lost), %d corrupt, %d duplicates, %.0f ms, %.1f Mbit/s "
                            + "each way, %.0f datagrams/s", received, COUNT, 100.0 * (COUNT - received) / COUNT,
                    corrupt, duplicates, nanos / 1e6, (double) received * SIZE * 8 / seconds / 1e6,
                    received / seconds);
        }
    }
}

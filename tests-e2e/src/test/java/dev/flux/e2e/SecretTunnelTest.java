package dev.flux.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.e2e.client.TcpEchoClient;
import dev.flux.e2e.client.TcpEchoClient.Echo;
import dev.flux.e2e.framework.AgentProcess;
import dev.flux.e2e.framework.FluxProcesses;
import dev.flux.e2e.framework.ManagedProcess;
import dev.flux.e2e.framework.NodeProcess;
import dev.flux.e2e.service.TcpEchoServer;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * STCP and SUDP with real processes: a node, an owner ({@code fluxctl up} with secret tunnels) and visitors
 * ({@code fluxctl visit}), traffic end-to-end encrypted between the two fluxctl processes.
 */
class SecretTunnelTest {

    @RegisterExtension
    static final FluxProcesses flux = new FluxProcesses();

    @TempDir
    static Path dir;

    private static final String SECRET = "e2e-secret-9b7f2c41";
    private static final Pattern LISTENING = Pattern.compile("\\[(\\S+)] visitor listening on 127\\.0\\.0\\.1:(\\d+)");
    private static final Duration START = Duration.ofSeconds(30);

    private static final String SECRET_TUNNELS = """
            [[tunnels]]
            name = "echo"
            type = "stcp"
            localPort = {{ echoPort }}
            secretKey = "{{ secret }}"

            [[tunnels]]
            name = "dns"
            type = "sudp"
            localPort = {{ dnsPort }}
            secretKey = "{{ secret }}"
            """;

    private static TcpEchoServer echo;
    private static DatagramSocket dns;
    private static Path ownerConfig;

    @BeforeAll
    static void startOwner() throws IOException {
        echo = TcpEchoServer.start();
        dns = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread resolver = new Thread(SecretTunnelTest::answerQueries, "dns-like");
        resolver.setDaemon(true);
        resolver.start();
        NodeProcess node = flux.startNode(dir);
        AgentProcess owner = flux.startAgent("owner", dir, node, SECRET_TUNNELS,
                Map.of("echoPort", echo.port(), "dnsPort", dns.getLocalPort(), "secret", SECRET));
        assertThat(owner.awaitTunnelReady("echo")).hasToString("stcp://e2e/echo");
        owner.awaitTunnelReady("dns");
        ownerConfig = dir.resolve("owner").resolve("flux.toml");
    }

    @AfterAll
    static void stopServices() throws IOException {
        if (echo != null) {
            echo.close();
        }
        if (dns != null) {
            dns.close();
        }
    }

    private static void answerQueries() {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (!dns.isClosed()) {
            try {
                p.setLength(buf.length);
                dns.receive(p);
                byte[] answer = ("answer:" + new String(buf, 0, p.getLength(), StandardCharsets.UTF_8))
                        .getBytes(StandardCharsets.UTF_8);
                dns.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Starts {@code fluxctl visit} and returns it with the local port it printed. */
    private static Map.Entry<ManagedProcess, Integer> visit(String... args) {
        List<String> all = new ArrayList<>(List.of("visit"));
        all.addAll(List.of(args));
        all.addAll(List.of("-c", ownerConfig.toString(), "--verbose"));
        ManagedProcess visitor = flux.startFluxctl(dir, dir.resolve("visitor-config"), all.toArray(String[]::new));
        Matcher m = visitor.awaitLine(LISTENING, START);
        return Map.entry(visitor, Integer.parseInt(m.group(2)));
    }

    @Test
    void visitorsReachTheOwnersServiceOnParallelConnections() throws Exception {
        int port = visit("echo", "--secret", SECRET).getValue();
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);

        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Echo>> echoes = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                long seed = i;
                echoes.add(pool.submit(() -> TcpEchoClient.roundTrip(address, seed, 1024 * 1024)));
            }
            for (int i = 0; i < echoes.size(); i++) {
                Echo e = echoes.get(i).get(60, TimeUnit.SECONDS);
                assertThat(e.received()).as("echo on connection %d", i).isEqualTo(e.sent());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aWrongSecretIsRefusedWithAClearMessage() throws Exception {
        Map.Entry<ManagedProcess, Integer> visitor = visit("echo", "--secret", "guessed", "--port", "0");

        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), visitor.getValue())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("hello?".getBytes(StandardCharsets.UTF_8));
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        } catch (IOException reset) {
            // closed by a reset: refused all the same
        }
        visitor.getKey().awaitLine(Pattern.compile("\\[echo] wrong secret for tunnel echo"), Duration.ofSeconds(10));
    }

    @Test
    void sudpAnswersDnsLikeQueries() throws Exception {
        int port = visit("dns", "--secret", SECRET, "--type", "sudp").getValue();

        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.setSoTimeout(2_000);
            int answered = 0;
            for (int q = 0; q < 20; q++) {
                byte[] query = ("query " + q).getBytes(StandardCharsets.UTF_8);
                for (int attempt = 0; attempt < 5; attempt++) {
                    s.send(new DatagramPacket(query, query.length, InetAddress.getLoopbackAddress(), port));
                    byte[] buf = new byte[2048];
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    try {
                        s.receive(p);
                    } catch (SocketTimeoutException e) {
                        continue;
                    }
                    assertThat(new String(buf, 0, p.getLength(), StandardCharsets.UTF_8)).isEqualTo("answer:query " + q);
                    answered++;
                    break;
                }
            }
            assertThat(answered).isEqualTo(20);
        }
    }
}

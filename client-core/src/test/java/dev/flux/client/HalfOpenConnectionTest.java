package dev.flux.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flux.client.config.AgentConfigLoader;
import dev.flux.node.GatewayNode;
import dev.flux.node.config.NodeConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connection that goes silent without closing (a NAT entry dropped, a laptop sleeping) is noticed by the agent's
 * pings within seconds, and the agent comes back on its own.
 */
class HalfOpenConnectionTest {

    @TempDir
    Path dir;

    final ExecutorService pool = Executors.newCachedThreadPool();
    final AtomicBoolean blackhole = new AtomicBoolean();
    final List<Socket> sockets = new CopyOnWriteArrayList<>();
    GatewayNode node;
    Agent agent;
    ServerSocket proxy;

    @AfterEach
    void tearDown() throws IOException {
        if (agent != null) {
            agent.close();
        }
        proxy.close();
        for (Socket s : sockets) {
            s.close();
        }
        node.close();
        pool.shutdownNow();
    }

    @Test
    void silentConnectionIsDetectedAndReplaced() throws Exception {
        node = GatewayNode.start(NodeConfigLoader.parse("""
                bindAddr = "127.0.0.1"
                bindPort = 0
                vhostHTTPPort = -1
                publicHost = "127.0.0.1"
                allowPorts = [ { start = 30000, end = 39999 } ]
                [[tokens]]
                name = "it"
                token = "flx_half-open-test-token-0123456789"
                """, "node.toml", dir));
        proxy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        pool.submit(this::acceptLoop);

        List<String> events = new CopyOnWriteArrayList<>();
        agent = new Agent(AgentConfigLoader.parse("""
                serverAddr = "127.0.0.1"
                serverPort = %d
                token = "flx_half-open-test-token-0123456789"
                [tls]
                fingerprint = "%s"
                [[tunnels]]
                name = "ssh"
                type = "tcp"
                localPort = 22
                """.formatted(proxy.getLocalPort(), node.fingerprint()), "flux.toml", dir), new AgentListener() {
                    @Override
                    public void connectionChanged(boolean connected, String detail) {
                        events.add((connected ? "up: " : "down: ") + detail);
                    }
                });
        agent.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.status().get(0).state() == TunnelState.READY);

        // the path goes silent in both directions; no FIN, no RST reaches either side
        blackhole.set(true);
        long silentSince = System.nanoTime();
        await().atMost(Duration.ofSeconds(20)).until(() -> events.stream().anyMatch(e -> e.startsWith("down: ")));
        long detectedAfterMillis = (System.nanoTime() - silentSince) / 1_000_000;
        assertThat(detectedAfterMillis).as("TCP alone would take minutes to notice").isLessThan(15_000);

        // the path heals: the agent reconnects and the tunnel is ready again without any help
        blackhole.set(false);
        await().atMost(Duration.ofSeconds(40)).until(() -> agent.status().get(0).state() == TunnelState.READY);
    }

    private Void acceptLoop() throws IOException {
        while (!proxy.isClosed()) {
            Socket client = proxy.accept();
            Socket upstream = new Socket(InetAddress.getLoopbackAddress(), node.tunnelAddress().getPort());
            sockets.add(client);
            sockets.add(upstream);
            boolean silentAtStart = blackhole.get();
            pool.submit(() -> pump(client, upstream, silentAtStart));
            pool.submit(() -> pump(upstream, client, silentAtStart));
        }
        return null;
    }

    /** Copies bytes until the path goes silent, then swallows them (the connection stays open). */
    private Void pump(Socket from, Socket to, boolean silentAtStart) throws IOException {
        byte[] buf = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            boolean silent = silentAtStart;
            while ((n = in.read(buf)) > 0) {
                silent |= blackhole.get();
                if (!silent) {
                    out.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            // one side closed
        }
        return null;
    }
}

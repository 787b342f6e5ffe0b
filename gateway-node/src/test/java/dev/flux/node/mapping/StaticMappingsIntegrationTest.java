package dev.flux.node.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flux.node.GatewayNode;
import dev.flux.node.config.NodeConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real node forwarding its static mappings to real servers on 127.0.0.1; no agent. */
class StaticMappingsIntegrationTest {

    @TempDir
    Path dir;

    GatewayNode node;
    final List<ServerSocket> servers = new ArrayList<>();
    final List<Socket> held = new ArrayList<>();
    final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() throws IOException {
        if (node != null) {
            node.close();
        }
        for (ServerSocket s : servers) {
            s.close();
        }
        for (Socket s : held) {
            s.close();
        }
        pool.shutdownNow();
    }

    /** A target that sends its name; with {@code hold}, keeps the connection open after that. */
    ServerSocket target(String name, boolean hold) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        servers.add(server);
        pool.submit(() -> {
            while (!server.isClosed()) {
                Socket s = server.accept();
                s.getOutputStream().write(name.getBytes(StandardCharsets.US_ASCII));
                if (hold) {
                    synchronized (held) {
                        held.add(s);
                    }
                } else {
                    s.close();
                }
            }
            return null;
        });
        return server;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    GatewayNode node(String mappings) throws Exception {
        node = GatewayNode.start(NodeConfigLoader.parse("""
                bindAddr = "127.0.0.1"
                bindPort = 0
                vhostHTTPPort = -1
                allowPorts = [ { start = 30000, end = 30010 } ]
                [[tokens]]
                name = "t"
                token = "flx_static-mapping-test-token"
                """ + mappings, "node.toml", dir));
        return node;
    }

    static String read(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5_000);
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void roundRobinAcrossTargetsAndATargetThatGoesDownIsSkipped() throws Exception {
        ServerSocket a = target("a", false);
        ServerSocket b = target("b", false);
        int port = freePort();
        node("""
                [[staticMappings]]
                name = "db"
                bindPort = %d
                targets = ["127.0.0.1:%d", "127.0.0.1:%d"]
                healthCheck = { intervalSeconds = 1, timeoutSeconds = 1, failureThreshold = 1 }
                """.formatted(port, a.getLocalPort(), b.getLocalPort()));
        assertThat(node.staticMappings().port("db")).isEqualTo(port);
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            seen.add(read(port));
        }
        assertThat(seen).containsExactly("a", "b", "a", "b");

        b.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> List.of(read(port), read(port), read(port))
                .equals(List.of("a", "a", "a")));

        a.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> read(port).isEmpty());
    }

    @Test
    void leastConnectionsSendsNewConnectionsToTheLessBusyTarget() throws Exception {
        ServerSocket a = target("a", true);
        ServerSocket b = target("b", true);
        int port = freePort();
        node("""
                [[staticMappings]]
                name = "db"
                bindPort = %d
                targets = ["127.0.0.1:%d", "127.0.0.1:%d"]
                strategy = "least_connections"
                """.formatted(port, a.getLocalPort(), b.getLocalPort()));
        List<Socket> visitors = new ArrayList<>();
        try {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Socket s = new Socket("127.0.0.1", port);
                s.setSoTimeout(5_000);
                visitors.add(s);
                InputStream in = s.getInputStream();
                names.add(new String(in.readNBytes(1), StandardCharsets.US_ASCII));
            }
            assertThat(names).containsExactly("a", "b", "a", "b");
            // two connections to a end: the next two go to a
            visitors.get(0).close();
            visitors.get(2).close();
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                try (Socket probe = new Socket()) {
                    probe.connect(new InetSocketAddress("127.0.0.1", port));
                    probe.setSoTimeout(5_000);
                    return new String(probe.getInputStream().readNBytes(1), StandardCharsets.US_ASCII).equals("a");
                }
            });
        } finally {
            for (Socket s : visitors) {
                s.close();
            }
        }
    }
}

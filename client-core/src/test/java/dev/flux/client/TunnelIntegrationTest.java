package dev.flux.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.flux.client.config.AgentConfig;
import dev.flux.client.config.AgentConfigLoader;
import dev.flux.node.GatewayNode;
import dev.flux.node.config.NodeConfigLoader;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real node and a real agent in one JVM, over real sockets on 127.0.0.1. */
class TunnelIntegrationTest {

    static final String TOKEN = "flx_integration-test-token-0123456789";

    @TempDir
    Path dir;

    GatewayNode node;
    Agent agent;
    ServerSocket echo;
    ServerSocket sink;
    com.sun.net.httpserver.HttpServer web;
    ExecutorService pool = Executors.newCachedThreadPool();

    @BeforeEach
    void setUp() throws Exception {
        node = GatewayNode.start(NodeConfigLoader.parse("""
                bindAddr = "127.0.0.1"
                bindPort = 0
                vhostHTTPPort = 0
                subdomainHost = "tunnel.test"
                publicHost = "127.0.0.1"
                allowPorts = [ { start = 30000, end = 39999 } ]
                [[tokens]]
                name = "it"
                token = "%s"
                """.formatted(TOKEN), "node.toml", dir));
        echo = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
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
        // a service that accepts and never reads: its visitors' streams stay full
        sink = new ServerSocket();
        sink.setReceiveBufferSize(16 * 1024);
        sink.bind(new InetSocketAddress("127.0.0.1", 0));
        pool.submit(() -> {
            List<Socket> held = new java.util.ArrayList<>();
            while (!sink.isClosed()) {
                held.add(sink.accept());
            }
            return null;
        });
        web = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        web.createContext("/", ex -> {
            byte[] body = ("hello " + ex.getRequestHeaders().getFirst("X-Forwarded-Host")).getBytes(StandardCharsets.UTF_8);
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
        echo.close();
        sink.close();
        web.stop(0);
        pool.shutdownNow();
    }

    AgentConfig agentConfig() {
        return AgentConfigLoader.parse("""
                serverAddr = "127.0.0.1"
                serverPort = %d
                token = "%s"
                [tls]
                fingerprint = "%s"
                [[tunnels]]
                name = "echo"
                type = "tcp"
                localPort = %d
                [[tunnels]]
                name = "web"
                type = "http"
                localPort = %d
                subdomain = "web"
                [[tunnels]]
                name = "sink"
                type = "tcp"
                localPort = %d
                """.formatted(node.tunnelAddress().getPort(), TOKEN, node.fingerprint(), echo.getLocalPort(),
                web.getAddress().getPort(), sink.getLocalPort()), "flux.toml", dir);
    }

    @Test
    void tcpAndHttpTunnelsCarryTraffic() throws Exception {
        agent = new Agent(agentConfig(), new AgentListener() { });
        agent.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.status().stream()
                .allMatch(s -> s.state() == TunnelState.READY));
        List<TunnelStatus> status = agent.status();
        String tcpUrl = status.get(0).urls().get(0);
        int port = Integer.parseInt(tcpUrl.substring(tcpUrl.lastIndexOf(':') + 1));

        byte[] data = new byte[1 << 20];
        new Random(1).nextBytes(data);
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            var writer = pool.submit(() -> {
                s.getOutputStream().write(data);
                s.shutdownOutput();
                return null;
            });
            byte[] back = s.getInputStream().readAllBytes();
            writer.get();
            assertThat(Arrays.equals(back, data)).isTrue();
        }

        try (Socket s = new Socket("127.0.0.1", node.vhostAddress().getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /x HTTP/1.1\r\nHost: web.tunnel.test\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 200").endsWith("hello web.tunnel.test");
        }
    }

    @Test
    void stalledConnectionsDoNotStallOthers() throws Exception {
        agent = new Agent(agentConfig(), new AgentListener() { });
        agent.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.status().stream()
                .allMatch(s -> s.state() == TunnelState.READY));
        String tcpUrl = agent.status().get(0).urls().get(0);
        int port = Integer.parseInt(tcpUrl.substring(tcpUrl.lastIndexOf(':') + 1));

        String sinkUrl = agent.status().get(2).urls().get(0);
        int sinkPort = Integer.parseInt(sinkUrl.substring(sinkUrl.lastIndexOf(':') + 1));
        // 12 visitors push 8 MiB each into a service that never reads: once the sockets' buffers are full, each
        // of their streams holds a full window of unread bytes on the agent
        List<Socket> stalled = new java.util.ArrayList<>();
        byte[] chunk = new byte[64 * 1024];
        try {
            for (int i = 0; i < 12; i++) {
                Socket s = new Socket();
                s.setSendBufferSize(16 * 1024);
                s.connect(new InetSocketAddress("127.0.0.1", sinkPort));
                stalled.add(s);
                pool.submit(() -> {
                    for (int n = 0; n < 128; n++) {
                        s.getOutputStream().write(chunk);
                    }
                    return null;
                });
            }
            long[] last = {-1};
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
                long now = agent.status().get(2).bytesIn();
                boolean settled = now == last[0] && now > 0;
                last[0] = now;
                return settled;
            });
            // a fresh visitor still gets its echo at once
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(5_000);
                s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
                byte[] back = s.getInputStream().readNBytes(4);
                assertThat(new String(back, StandardCharsets.US_ASCII)).isEqualTo("ping");
            }
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
    }

    @Test
    void connectionsClosingMidTransferDoNotBreakTheAgentConnection() throws Exception {
        List<String> downs = new java.util.concurrent.CopyOnWriteArrayList<>();
        agent = new Agent(agentConfig(), new AgentListener() {
            @Override
            public void connectionChanged(boolean connected, String detail) {
                if (!connected) {
                    downs.add(detail);
                }
            }
        });
        agent.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.status().stream()
                .allMatch(s -> s.state() == TunnelState.READY));
        String tcpUrl = agent.status().get(0).urls().get(0);
        int port = Integer.parseInt(tcpUrl.substring(tcpUrl.lastIndexOf(':') + 1));

        // visitors that vanish while bytes are in flight both ways: every close resets a stream that still has
        // DATA frames on the wire, and each of those frames is answered with a reset of its own
        byte[] chunk = new byte[256 * 1024];
        List<java.util.concurrent.Future<?>> visitors = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            visitors.add(pool.submit(() -> {
                for (int round = 0; round < 5; round++) {
                    try (Socket s = new Socket("127.0.0.1", port)) {
                        s.setSoLinger(true, 0);
                        s.getOutputStream().write(chunk);
                        s.getInputStream().readNBytes(64 * 1024);
                    }
                }
                return null;
            }));
        }
        for (var v : visitors) {
            v.get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("ping");
        }
        assertThat(downs).as("the agent's connection to the node stayed up").isEmpty();
    }

    @Test
    void tunnelsAreAddedAndRemovedOnTheLiveConnection() throws Exception {
        List<String> connections = new java.util.concurrent.CopyOnWriteArrayList<>();
        agent = new Agent(agentConfig(), new AgentListener() {
            @Override
            public void connectionChanged(boolean connected, String detail) {
                connections.add(connected + " " + detail);
            }
        });
        agent.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.status().stream()
                .allMatch(s -> s.state() == TunnelState.READY));

        agent.addTunnel(new dev.flux.client.config.TunnelConfig("echo2", "tcp", "127.0.0.1", echo.getLocalPort(), 0,
                null, List.of(), null, null, null));
        await().atMost(Duration.ofSeconds(1)).until(() -> agent.status().stream()
                .anyMatch(s -> s.name().equals("echo2") && s.state() == TunnelState.READY));
        String url = agent.status().stream().filter(s -> s.name().equals("echo2")).findFirst().orElseThrow()
                .urls().get(0);
        int port = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("ping");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> agent.addTunnel(
                new dev.flux.client.config.TunnelConfig("echo2", "tcp", "127.0.0.1", 1, 0, null, List.of(), null,
                        null, null)))
                .hasMessage("this agent already has a tunnel named 'echo2'");

        agent.removeTunnel("echo2");
        await().atMost(Duration.ofSeconds(1)).until(() -> agent.tunnelNames().equals(List.of("echo", "web", "sink")));
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThatThrownBy(() -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(2_000);
                s.getOutputStream().write("x".getBytes(StandardCharsets.US_ASCII));
                if (s.getInputStream().read() == -1) {
                    throw new java.io.IOException("closed at once");
                }
            }
        }).isInstanceOf(java.io.IOException.class));

        assertThat(connections).as("one connection all along").hasSize(1);
    }
}

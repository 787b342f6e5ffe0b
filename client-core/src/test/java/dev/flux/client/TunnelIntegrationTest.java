package dev.flux.client;

import static org.assertj.core.api.Assertions.assertThat;
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
                """.formatted(node.tunnelAddress().getPort(), TOKEN, node.fingerprint(), echo.getLocalPort(),
                web.getAddress().getPort()), "flux.toml", dir);
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
}

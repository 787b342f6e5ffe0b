package dev.flux.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.flux.client.config.AgentConfigLoader;
import dev.flux.node.GatewayNode;
import dev.flux.node.config.NodeConfigLoader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An HTTP tunnel outside any group whose local service fails its health check: while its agent is connected the node
 * answers 503 with its error page (not 404, as for a host nobody serves), and serves again once the check passes.
 * Real node, agent, web server and sockets on 127.0.0.1.
 */
class UnhealthyHttpTunnelIntegrationTest {

    private static final String TOKEN = "flx_unhealthy-http-test-token-0123456789";

    @TempDir
    Path dir;

    GatewayNode node;
    Agent agent;
    HttpServer web;
    final AtomicInteger healthStatus = new AtomicInteger(200);

    @BeforeEach
    void setUp() throws Exception {
        node = GatewayNode.start(NodeConfigLoader.parse("""
                bindAddr = "127.0.0.1"
                bindPort = 0
                vhostHTTPPort = 0
                subdomainHost = "tunnel.test"
                publicHost = "127.0.0.1"
                [[tokens]]
                name = "it"
                token = "%s"
                """.formatted(TOKEN), "node.toml", dir));
        web = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        web.createContext("/health", ex -> {
            ex.sendResponseHeaders(healthStatus.get(), -1);
            ex.close();
        });
        web.createContext("/", ex -> {
            byte[] body = "shop".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        web.start();
    }

    @AfterEach
    void tearDown() {
        if (agent != null) {
            agent.close();
        }
        node.close();
        web.stop(0);
    }

    @Test
    void anUnhealthyTunnelAnswers503WhileItsAgentIsConnectedAnd404AfterIt() throws Exception {
        agent = new Agent(AgentConfigLoader.parse("""
                serverAddr = "127.0.0.1"
                serverPort = %d
                token = "%s"
                [tls]
                fingerprint = "%s"
                [[tunnels]]
                name = "shop"
                type = "http"
                localPort = %d
                subdomain = "shop"
                healthCheck = { type = "http", path = "/health", intervalSeconds = 1, timeoutSeconds = 1, failureThreshold = 1 }
                """.formatted(node.tunnelAddress().getPort(), TOKEN, node.fingerprint(), web.getAddress().getPort()),
                "flux.toml", dir), new AgentListener() { });
        agent.start();
        awaitState(TunnelState.READY);
        assertThat(get("shop.tunnel.test")).startsWith("HTTP/1.1 200").endsWith("shop");

        healthStatus.set(500);
        awaitState(TunnelState.UNHEALTHY);
        await("503 for the unhealthy tunnel").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> get("shop.tunnel.test").startsWith("HTTP/1.1 503"));
        String unavailable = get("shop.tunnel.test");
        assertThat(unavailable).contains("Service unavailable")
                .contains("The tunnel serving shop.tunnel.test is connected, but its local service is failing its "
                        + "health check");
        // a host nobody serves is still a 404
        assertThat(get("other.tunnel.test")).startsWith("HTTP/1.1 404");

        healthStatus.set(200);
        awaitState(TunnelState.READY);
        await("the tunnel to serve again").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> get("shop.tunnel.test").startsWith("HTTP/1.1 200"));

        // unhealthy again, then the agent goes away: nobody serves the host any more
        healthStatus.set(500);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> get("shop.tunnel.test").startsWith("HTTP/1.1 503"));
        agent.close();
        agent = null;
        await("404 once the agent is gone").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> get("shop.tunnel.test").startsWith("HTTP/1.1 404"));
    }

    @Test
    void aGroupWhoseMembersAllFailTheirChecksAnswers503() throws Exception {
        HttpServer second = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger secondHealth = new AtomicInteger(200);
        second.createContext("/health", ex -> {
            ex.sendResponseHeaders(secondHealth.get(), -1);
            ex.close();
        });
        second.createContext("/", ex -> {
            byte[] body = "shop, second member".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        second.start();
        Agent other = null;
        try {
            agent = groupMember("shop-1", web.getAddress().getPort());
            awaitState(TunnelState.READY);
            other = groupMember("shop-2", second.getAddress().getPort());
            Agent joined = other;
            await().atMost(Duration.ofSeconds(15)).until(() -> joined.status().get(0).state() == TunnelState.READY);

            // the member holding the host names fails first: the other keeps serving
            healthStatus.set(500);
            awaitState(TunnelState.UNHEALTHY);
            assertThat(get("shop.tunnel.test")).startsWith("HTTP/1.1 200").endsWith("shop, second member");

            secondHealth.set(500);
            await().atMost(Duration.ofSeconds(15)).until(() -> joined.status().get(0).state() == TunnelState.UNHEALTHY);
            await("503 once no member is healthy").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                    .until(() -> get("shop.tunnel.test").startsWith("HTTP/1.1 503"));
            assertThat(get("shop.tunnel.test")).contains("is connected, but its local service is failing its health "
                    + "check");

            // the first member's agent goes away; the second, still connected and unhealthy, keeps it a 503
            agent.close();
            agent = null;
            assertThat(get("shop.tunnel.test")).startsWith("HTTP/1.1 503");

            healthStatus.set(200);
            secondHealth.set(200);
            await().atMost(Duration.ofSeconds(15)).until(() -> joined.status().get(0).state() == TunnelState.READY);
            await("served again").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                    .until(() -> get("shop.tunnel.test").startsWith("HTTP/1.1 200"));
            other.close();
            other = null;
            await("404 once every member's agent is gone").atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> get("shop.tunnel.test").startsWith("HTTP/1.1 404"));
        } finally {
            if (other != null) {
                other.close();
            }
            second.stop(0);
        }
    }

    private Agent groupMember(String name, int port) {
        Agent a = new Agent(AgentConfigLoader.parse("""
                serverAddr = "127.0.0.1"
                serverPort = %d
                token = "%s"
                [tls]
                fingerprint = "%s"
                [[tunnels]]
                name = "%s"
                type = "http"
                localPort = %d
                subdomain = "shop"
                group = "shop"
                groupKey = "k"
                healthCheck = { type = "http", path = "/health", intervalSeconds = 1, timeoutSeconds = 1, failureThreshold = 1 }
                """.formatted(node.tunnelAddress().getPort(), TOKEN, node.fingerprint(), name, port), "flux.toml", dir),
                new AgentListener() { });
        a.start();
        return a;
    }

    private void awaitState(TunnelState state) {
        await().atMost(Duration.ofSeconds(15)).until(() -> agent.status().get(0).state() == state);
    }

    private String get(String host) throws IOException {
        try (Socket s = new Socket("127.0.0.1", node.vhostAddress().getPort())) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

package dev.flux.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.e2e.client.TcpEchoClient;
import dev.flux.e2e.framework.AgentProcess;
import dev.flux.e2e.framework.FluxProcesses;
import dev.flux.e2e.framework.NodeProcess;
import dev.flux.e2e.framework.Ports;
import dev.flux.e2e.service.TcpEchoServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node jar with {@code [admin] bind}: its health endpoints answer as probes expect, and its metrics count the
 * agent, the tunnel and the bytes a visitor sent through it.
 */
class NodeHealthTest {

    @RegisterExtension
    final FluxProcesses flux = new FluxProcesses();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void healthReadinessAndMetricsOfARunningNode() throws Exception {
        int adminPort = Ports.free();
        int remotePort = Ports.free();
        NodeProcess node = flux.startNode(dir, "admin = { bind = \"127.0.0.1:" + adminPort + "\" }\n", remotePort);
        node.process().awaitLine(Pattern.compile("admin listening on http://127\\.0\\.0\\.1:" + adminPort),
                Duration.ofSeconds(5));

        assertThat(get(adminPort, "/healthz")).isEqualTo("200 ok\n");
        assertThat(get(adminPort, "/readyz")).isEqualTo("200 ready\n");
        assertThat(get(adminPort, "/metrics")).contains("\nflux_agents_connected 0\n", "\nflux_tunnels{type=\"tcp\"} 0\n");

        try (TcpEchoServer echo = TcpEchoServer.start()) {
            AgentProcess agent = flux.startAgent(dir, node, """
                    [[tunnels]]
                    name = "echo"
                    type = "tcp"
                    localPort = {{ localPort }}
                    remotePort = {{ remotePort }}
                    """, Map.of("localPort", echo.port(), "remotePort", remotePort));
            URI url = agent.awaitTunnelReady("echo");
            TcpEchoClient.roundTrip(new InetSocketAddress(InetAddress.getLoopbackAddress(), url.getPort()), 1, 100_000);

            String metrics = get(adminPort, "/metrics");
            assertThat(metrics).contains("\nflux_agents_connected 1\n", "\nflux_tunnels{type=\"tcp\"} 1\n",
                    "\nflux_tunnel_connections_total{type=\"tcp\",tunnel=\"echo\"} 1\n");
            assertThat(sample(metrics, "flux_tunnel_received_bytes_total{type=\"tcp\",tunnel=\"echo\"}"))
                    .isEqualTo(100_000);
        }
    }

    private String get(int port, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    private static long sample(String metrics, String series) {
        Matcher m = Pattern.compile("\n" + Pattern.quote(series) + " ([0-9]+)\n").matcher(metrics);
        assertThat(m.find()).as(series + " in\n" + metrics).isTrue();
        return Long.parseLong(m.group(1));
    }
}

package dev.flux.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flux.e2e.client.RawHttpClient;
import dev.flux.e2e.client.RawHttpRequest;
import dev.flux.e2e.client.RawHttpResponse;
import dev.flux.e2e.client.TcpEchoClient;
import dev.flux.e2e.client.TcpEchoClient.Echo;
import dev.flux.e2e.framework.AgentProcess;
import dev.flux.e2e.framework.FluxProcesses;
import dev.flux.e2e.framework.Ports;
import dev.flux.e2e.framework.NodeProcess;
import dev.flux.e2e.service.HttpTestServer;
import dev.flux.e2e.service.TcpEchoServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A node that crashes and comes back: its agents reconnect by themselves, and their URLs work as before. */
class NodeRestartTest {

    @RegisterExtension
    static final FluxProcesses flux = new FluxProcesses();

    private static final Duration RECOVERY_LIMIT = Duration.ofSeconds(10);

    @Test
    void sameUrlsWorkAgainSoonAfterTheNodeIsKilledAndRestarted(@TempDir Path dir) throws Exception {
        int fixedPort = Ports.free();
        int[] pickablePorts = {Ports.free(), Ports.free(), Ports.free()};
        try (HttpTestServer web = HttpTestServer.start("web"); TcpEchoServer echo = TcpEchoServer.start()) {
            NodeProcess node = flux.startNode(dir, fixedPort, pickablePorts[0], pickablePorts[1], pickablePorts[2]);
            AgentProcess agent = flux.startAgent(dir, node, """
                    [[tunnels]]
                    name = "web"
                    type = "http"
                    localPort = {{ webPort }}
                    subdomain = "web"

                    [[tunnels]]
                    name = "fixed"
                    type = "tcp"
                    localPort = {{ echoPort }}
                    remotePort = {{ fixedPort }}

                    [[tunnels]]
                    name = "picked"
                    type = "tcp"
                    localPort = {{ echoPort }}
                    """, Map.of("webPort", web.port(), "echoPort", echo.port(), "fixedPort", fixedPort));
            Map<String, URI> urls = new LinkedHashMap<>();
            for (String tunnel : new String[] {"web", "fixed", "picked"}) {
                urls.put(tunnel, agent.awaitTunnelReady(tunnel));
            }
            assertUrlsWork(node, urls);
            String fingerprint = node.fingerprint();
            long agentPid = agent.process().pid();

            node.kill();
            long restartedAt = System.nanoTime();
            node.restart();

            assertThat(node.fingerprint()).as("fingerprint after the restart (same dataDir)").isEqualTo(fingerprint);
            Duration left = RECOVERY_LIMIT.minusNanos(System.nanoTime() - restartedAt);
            assertThat(left).as("time left of %s after the node restarted", RECOVERY_LIMIT).isPositive();
            await("the URLs " + urls + " to work again")
                    .atMost(left)
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .untilAsserted(() -> assertUrlsWork(node, urls));
            assertThat(agent.process().isAlive()).as("fluxctl still running").isTrue();
            assertThat(agent.process().pid()).as("the same fluxctl").isEqualTo(agentPid);
        }
    }

    private static void assertUrlsWork(NodeProcess node, Map<String, URI> urls) throws Exception {
        URI web = urls.get("web");
        assertThat(web.getPort()).isEqualTo(node.vhostPort());
        try (RawHttpResponse response = new RawHttpClient(web.getPort())
                .send(RawHttpRequest.get(web.getHost(), "/info"))) {
            assertThat(response.status()).as("GET %s/info", web).isEqualTo(200);
            assertThat(response.bodyProperties()).containsEntry("server", "web");
        }
        for (String tcp : new String[] {"fixed", "picked"}) {
            URI url = urls.get(tcp);
            Echo echo = TcpEchoClient.roundTrip(new InetSocketAddress(url.getHost(), url.getPort()), 7, 64 * 1024);
            assertThat(echo.received()).as("echo through %s", url).isEqualTo(echo.sent());
        }
    }
}

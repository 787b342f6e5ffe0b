package dev.flux.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.flux.e2e.client.SniHttpsClient;
import dev.flux.e2e.framework.AgentProcess;
import dev.flux.e2e.framework.FluxProcesses;
import dev.flux.e2e.framework.NodeProcess;
import dev.flux.e2e.framework.Ports;
import dev.flux.e2e.framework.TestCertificate;
import dev.flux.e2e.service.HttpTestServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Load-balancing groups of https tunnels with real processes: one node with an HTTPS vhost port and a wildcard
 * certificate, two {@code fluxctl up} agents that each register a member of a node-terminated group ({@code site})
 * and of a passthrough group ({@code pass}). Visitors are JDK TLS clients that verify the certificate they should
 * meet. Then the passthrough members' local services stop one after the other: their health checks take them out,
 * and with none left the node ends the handshake with an {@code internal_error} alert and says why in its log.
 */
class HttpsGroupTest {

    @RegisterExtension
    final FluxProcesses flux = new FluxProcesses();

    @TempDir
    Path dir;

    final List<HttpTestServer> webs = new ArrayList<>();
    final List<HttpsServer> tlsServices = new ArrayList<>();

    @AfterEach
    void stopServices() {
        webs.forEach(HttpTestServer::close);
        tlsServices.forEach(s -> s.stop(0));
    }

    @Test
    void terminatedAndPassedThroughGroupsSpreadVisitorsAndSkipUnhealthyMembers() throws Exception {
        TestCertificate wildcard = TestCertificate.generate(List.of("*." + NodeProcess.SUBDOMAIN_HOST));
        wildcard.writePem(dir.resolve("wildcard"));
        String passHost = "pass." + NodeProcess.SUBDOMAIN_HOST;
        String siteHost = "site." + NodeProcess.SUBDOMAIN_HOST;
        TestCertificate serviceCertificate = TestCertificate.generate(List.of(passHost));
        int httpsPort = Ports.free();
        NodeProcess node = flux.startNode(dir, """
                vhostHTTPSPort = %d
                certificates = [ { domains = ["*.%s"], certFile = "%s", keyFile = "%s" } ]
                """.formatted(httpsPort, NodeProcess.SUBDOMAIN_HOST, dir.resolve("wildcard/cert.pem"),
                dir.resolve("wildcard/key.pem")));
        List<AgentProcess> agents = new ArrayList<>();
        for (String id : List.of("one", "two")) {
            HttpTestServer web = HttpTestServer.start("web-" + id);
            webs.add(web);
            HttpsServer tls = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            tls.setHttpsConfigurator(new HttpsConfigurator(serviceCertificate.serverContext()));
            tls.createContext("/", ex -> {
                byte[] body = ("server=tls-" + id + "\n").getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
                ex.close();
            });
            tls.start();
            tlsServices.add(tls);
            AgentProcess agent = flux.startAgent("agent-" + id, dir, node, """
                    [[tunnels]]
                    name = "site"
                    type = "https"
                    tlsTermination = "node"
                    localPort = {{ webPort }}
                    subdomain = "site"
                    group = "site"
                    groupKey = "site-key"

                    [[tunnels]]
                    name = "pass"
                    type = "https"
                    localPort = {{ tlsPort }}
                    subdomain = "pass"
                    group = "pass"
                    groupKey = "pass-key"
                    healthCheck = { type = "tcp", intervalSeconds = 1, timeoutSeconds = 1, failureThreshold = 1 }
                    """, Map.of("webPort", web.port(), "tlsPort", tls.getAddress().getPort()));
            // one after the other: the first founds both groups, the second joins them
            agent.awaitTunnelReady("site");
            agent.awaitTunnelReady("pass");
            agents.add(agent);
        }

        SniHttpsClient throughNode = new SniHttpsClient(httpsPort, wildcard.certificate());
        SniHttpsClient toService = new SniHttpsClient(httpsPort, serviceCertificate.certificate());
        List<String> site = new ArrayList<>();
        List<String> pass = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String terminated = throughNode.get(siteHost, "/info");
            assertThat(terminated).startsWith("HTTP/1.1 200").contains("x-forwarded-proto=https");
            site.add(server(terminated));
            String passed = toService.get(passHost, "/");
            assertThat(passed).startsWith("HTTP/1.1 200");
            pass.add(server(passed));
        }
        assertThat(site).containsExactlyInAnyOrder("web-one", "web-two", "web-one", "web-two");
        assertThat(site.get(0)).isNotEqualTo(site.get(1));
        assertThat(pass).containsExactlyInAnyOrder("tls-one", "tls-two", "tls-one", "tls-two");
        assertThat(pass.get(0)).isNotEqualTo(pass.get(1));

        tlsServices.get(0).stop(0);
        node.process().awaitLine(Pattern.compile("\\[pass\\] tunnel closed \\(removed by the agent\\)"),
                Duration.ofSeconds(15));
        for (int i = 0; i < 3; i++) {
            assertThat(server(toService.get(passHost, "/"))).isEqualTo("tls-two");
        }

        tlsServices.get(1).stop(0);
        await("no healthy member left").atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().untilAsserted(() -> assertThatThrownBy(() -> toService.get(passHost, "/"))
                        .isInstanceOf(SSLException.class).hasMessageContaining("internal_error"));
        node.process().awaitLine(Pattern.compile("https connection from .* closed: the tunnel serving "
                + Pattern.quote(passHost) + " is connected, but its local service is failing its health check"),
                Duration.ofSeconds(5));
        // the terminated group is untouched
        assertThat(throughNode.get(siteHost, "/info")).startsWith("HTTP/1.1 200");
    }

    /** The {@code server=} line of a response. */
    private static String server(String response) {
        int at = response.indexOf("server=");
        assertThat(at).as("a server= line in:%n%s", response).isGreaterThanOrEqualTo(0);
        int end = response.indexOf('\n', at);
        return response.substring(at + "server=".length(), end < 0 ? response.length() : end).trim();
    }
}

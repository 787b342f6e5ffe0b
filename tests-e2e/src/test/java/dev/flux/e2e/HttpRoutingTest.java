package dev.flux.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.e2e.client.RawHttpClient;
import dev.flux.e2e.client.RawHttpRequest;
import dev.flux.e2e.client.RawHttpResponse;
import dev.flux.e2e.framework.AgentProcess;
import dev.flux.e2e.framework.FluxProcesses;
import dev.flux.e2e.framework.Ports;
import dev.flux.e2e.framework.NodeProcess;
import dev.flux.e2e.service.HttpTestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How the node's vhost port answers by Host header: which tunnel (and so which local service) gets a request, and
 * the pages the node answers itself (404 unknown host, 502 local service down, 401 authentication needed).
 * One node and one agent with four HTTP tunnels serve every case.
 */
class HttpRoutingTest {

    @RegisterExtension
    static final FluxProcesses flux = new FluxProcesses();

    @TempDir
    static Path dir;

    private static final String DOMAIN = NodeProcess.SUBDOMAIN_HOST;
    private static final String USER = "alice";
    private static final String PASSWORD = "s3cret-pässword";
    /** Nothing listens here: the "down" tunnel's local service is not running. */
    private static final int DOWN_PORT = Ports.free();

    private static HttpTestServer web;
    private static HttpTestServer api;
    private static RawHttpClient http;

    @BeforeAll
    static void startTunnels() throws Exception {
        web = HttpTestServer.start("web");
        api = HttpTestServer.start("api");
        NodeProcess node = flux.startNode(dir);
        AgentProcess agent = flux.startAgent(dir, node, """
                [[tunnels]]
                name = "web"
                type = "http"
                localPort = {{ webPort }}
                subdomain = "web"

                [[tunnels]]
                name = "api"
                type = "http"
                localPort = {{ apiPort }}
                subdomain = "api"
                customDomains = ["api.example.test"]

                [[tunnels]]
                name = "down"
                type = "http"
                localPort = {{ downPort }}
                subdomain = "down"

                [[tunnels]]
                name = "private"
                type = "http"
                localPort = {{ webPort }}
                subdomain = "private"
                httpUser = "{{ user }}"
                httpPassword = "{{ password }}"
                """, Map.of("webPort", web.port(), "apiPort", api.port(), "downPort", DOWN_PORT,
                "user", USER, "password", PASSWORD));
        for (String tunnel : new String[] {"web", "api", "down", "private"}) {
            agent.awaitTunnelReady(tunnel);
        }
        http = new RawHttpClient(node.vhostPort());
    }

    @AfterAll
    static void stopServices() {
        if (web != null) {
            web.close();
        }
        if (api != null) {
            api.close();
        }
    }

    @ParameterizedTest(name = "Host: {0} -> {1}")
    @CsvSource({
            "web.tunnel.test,       web",
            "api.tunnel.test,       api",
            "api.example.test,      api",
            "WEB.Tunnel.Test,       web",
            "web.tunnel.test:8080,  web",
    })
    void routesByHostHeaderToTheRightService(String host, String expectedServer) throws Exception {
        try (RawHttpResponse response = http.send(RawHttpRequest.get(host, "/info?q=1"))) {
            assertThat(response.status()).isEqualTo(200);
            Map<String, String> seen = response.bodyProperties();
            assertThat(seen).containsEntry("server", expectedServer).containsEntry("path", "/info?q=1");
        }
    }

    @Test
    void addsForwardedHeaders() throws Exception {
        try (RawHttpResponse response = http.send(RawHttpRequest.get("web." + DOMAIN, "/info")
                .header("X-Forwarded-For", "203.0.113.7"))) {
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyProperties())
                    .containsEntry("x-forwarded-for", "203.0.113.7, 127.0.0.1")
                    .containsEntry("x-forwarded-proto", "http")
                    .containsEntry("x-forwarded-host", "web." + DOMAIN)
                    .containsEntry("host", "web." + DOMAIN);
        }
    }

    @Test
    void unknownHostIs404() throws Exception {
        try (RawHttpResponse response = http.send(RawHttpRequest.get("nobody." + DOMAIN, "/info"))) {
            assertThat(response.status()).isEqualTo(404);
            assertThat(response.bodyText()).contains("nobody." + DOMAIN);
        }
    }

    @Test
    void localServiceDownIs502NamingTheLocalAddress() throws Exception {
        try (RawHttpResponse response = http.send(RawHttpRequest.get("down." + DOMAIN, "/info"))) {
            assertThat(response.status()).isEqualTo(502);
            assertThat(response.bodyText()).contains("127.0.0.1:" + DOWN_PORT);
        }
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "no credentials      |                      | 401",
            "wrong password      | alice:wrong          | 401",
            "unknown user        | mallory:s3cret-pässword | 401",
            "right credentials   | alice:s3cret-pässword   | 200",
    })
    void basicAuthGuardsTheTunnel(String description, String credentials, int expectedStatus) throws Exception {
        RawHttpRequest request = RawHttpRequest.get("private." + DOMAIN, "/info");
        if (credentials != null) {
            request.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        try (RawHttpResponse response = http.send(request)) {
            assertThat(response.status()).isEqualTo(expectedStatus);
            if (expectedStatus == 401) {
                assertThat(response.header("WWW-Authenticate")).startsWith("Basic ");
            } else {
                assertThat(response.bodyProperties())
                        .as("the tunnel's credentials are the node's business, not the local service's")
                        .containsEntry("server", "web")
                        .doesNotContainKey("authorization");
            }
        }
    }
}

package dev.flux.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.flux.client.config.AgentConfigLoader;
import dev.flux.node.GatewayNode;
import dev.flux.node.config.NodeConfigLoader;
import dev.flux.protocol.tls.NodeCertificate;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Load-balancing groups of https tunnels, over real TLS from a JDK client that verifies certificates and host names.
 * TLS terminated at the node: the requests take the HTTP vhost path, so a group balances them per request on one
 * TLS connection, WebSocket stays on its member, members failing their health checks are skipped and then the host
 * answers the 503 page, and basic auth, IP deny lists and {@code X-Forwarded-Proto: https} apply as on plain HTTP.
 * TLS passed through: balanced per connection, an unhealthy member skipped, and with no healthy member the handshake
 * ends in a fatal {@code internal_error} alert (a host nobody serves gets {@code unrecognized_name}). A real node, two
 * real agents and their local services on 127.0.0.1.
 */
class HttpsGroupIntegrationTest {

    private static final String TOKEN = "flx_https-group-test-token-0123456789";

    @TempDir
    Path dir;

    GatewayNode node;
    NodeCertificate wildcard;
    NodeCertificate serviceCertificate;
    final List<Agent> agents = new ArrayList<>();
    final List<RawHttp.Member> members = new ArrayList<>();
    /** The local TLS services of the passthrough group, one per agent. */
    final List<HttpsServer> tlsServices = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        wildcard = NodeCertificate.loadOrGenerate(dir.resolve("wildcard"), List.of("*.tunnel.test")).certificate();
        serviceCertificate = NodeCertificate.generate(List.of("pass.tunnel.test"));
        node = GatewayNode.start(NodeConfigLoader.parse("""
                bindAddr = "127.0.0.1"
                bindPort = 0
                vhostHTTPPort = -1
                vhostHTTPSPort = 0
                subdomainHost = "tunnel.test"
                [[tokens]]
                name = "it"
                token = "%s"
                [[certificates]]
                domains = ["*.tunnel.test"]
                certFile = "wildcard/node.crt"
                keyFile = "wildcard/node.key"
                """.formatted(TOKEN), "node.toml", dir));
        for (String id : List.of("one", "two")) {
            RawHttp.Member web = new RawHttp.Member(id);
            members.add(web);
            HttpsServer tls = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            tls.setHttpsConfigurator(
                    new HttpsConfigurator(HttpsTunnelIntegrationTest.serverContext(serviceCertificate)));
            tls.createContext("/", ex -> {
                byte[] body = ("tls " + id).getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
                ex.close();
            });
            tls.start();
            tlsServices.add(tls);
            String only = id.equals("one") ? """
                    [[tunnels]]
                    name = "locked"
                    type = "https"
                    tlsTermination = "node"
                    localPort = %1$d
                    subdomain = "locked"
                    httpUser = "ann"
                    httpPassword = "secret"
                    [[tunnels]]
                    name = "denied"
                    type = "https"
                    tlsTermination = "node"
                    localPort = %1$d
                    subdomain = "denied"
                    denyIps = ["127.0.0.1"]
                    """.formatted(web.port()) : "";
            Agent a = new Agent(AgentConfigLoader.parse("""
                    serverAddr = "127.0.0.1"
                    serverPort = %d
                    token = "%s"
                    [tls]
                    fingerprint = "%s"
                    [[tunnels]]
                    name = "site"
                    type = "https"
                    tlsTermination = "node"
                    localPort = %d
                    subdomain = "site"
                    group = "site"
                    groupKey = "k"
                    healthCheck = { type = "http", path = "/health", intervalSeconds = 1, timeoutSeconds = 1, failureThreshold = 1 }
                    [[tunnels]]
                    name = "pass"
                    type = "https"
                    localPort = %d
                    subdomain = "pass"
                    group = "pass"
                    groupKey = "k"
                    healthCheck = { type = "tcp", intervalSeconds = 1, timeoutSeconds = 1, failureThreshold = 1 }
                    """.formatted(node.tunnelAddress().getPort(), TOKEN, node.fingerprint(), web.port(),
                    tls.getAddress().getPort()) + only, "flux.toml", dir), new AgentListener() { });
            agents.add(a);
            a.start();
            // one after the other: the first founds both groups
            await().atMost(Duration.ofSeconds(15)).until(() -> a.status().stream()
                    .allMatch(s -> s.state() == TunnelState.READY));
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        agents.forEach(Agent::close);
        node.close();
        for (RawHttp.Member m : members) {
            m.close();
        }
        tlsServices.forEach(s -> s.stop(0));
    }

    @Test
    void terminatedAtTheNodeRequestsOnOneTlsConnectionGoRoundRobin() throws Exception {
        try (SSLSocket s = tls("site.tunnel.test", wildcard)) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            List<String> servedBy = new ArrayList<>();
            for (String method : List.of("GET", "POST", "GET", "HEAD", "GET")) {
                out.write(RawHttp.request(method, "site.tunnel.test", "/", method.equals("POST") ? "hi" : ""));
                out.flush();
                RawHttp.Response r = RawHttp.Response.read(in, method);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.headers().get("x-seen-proto")).as("X-Forwarded-Proto").isEqualTo("https");
                servedBy.add(r.servedBy());
            }
            String first = servedBy.get(0);
            String second = first.equals("one") ? "two" : "one";
            assertThat(servedBy).containsExactly(first, second, first, second, first);
        }
    }

    @Test
    void terminatedAtTheNodeAWebSocketStaysWithItsMember() throws Exception {
        try (SSLSocket s = tls("site.tunnel.test", wildcard)) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(RawHttp.request("GET", "site.tunnel.test", "/", ""));
            String first = RawHttp.Response.read(in, "GET").servedBy();
            out.write(RawHttp.request("GET", "site.tunnel.test", "/ws", "", "Upgrade: websocket",
                    "Connection: Upgrade"));
            out.flush();
            assertThat(RawHttp.readLine(in)).startsWith("HTTP/1.1 101");
            String upgradedBy = RawHttp.readHeaders(in).get("x-served-by");
            assertThat(upgradedBy).as("the upgrade goes round-robin like any request").isNotEqualTo(first);
            for (int i = 0; i < 4; i++) {
                out.write(("ping" + i + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(RawHttp.readLine(in)).isEqualTo(upgradedBy + ":ping" + i);
            }
        }
    }

    @Test
    void terminatedAtTheNodeUnhealthyMembersAreSkippedAndThenTheHostAnswers503() throws Exception {
        // a keep-alive connection that outlives the member which founded the group (and held its host names)
        try (SSLSocket kept = tls("site.tunnel.test", wildcard)) {
            List<String> before = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                kept.getOutputStream().write(RawHttp.request("GET", "site.tunnel.test", "/", ""));
                before.add(RawHttp.Response.read(kept.getInputStream(), "GET").servedBy());
            }
            assertThat(before).containsExactlyInAnyOrder("one", "two");

            members.get(0).healthStatus.set(500);
            awaitState(0, "site", TunnelState.UNHEALTHY);
            await("member two alone in the group").atMost(Duration.ofSeconds(5)).until(() -> node.registry()
                    .tunnels().stream().filter(t -> t.name().equals("site")).count() == 1);
            for (SSLSocket s : List.of(kept, tls("site.tunnel.test", wildcard))) {
                try (s) {
                    for (int i = 0; i < 3; i++) {
                        s.getOutputStream().write(RawHttp.request("GET", "site.tunnel.test", "/", ""));
                        assertThat(RawHttp.Response.read(s.getInputStream(), "GET").servedBy()).isEqualTo("two");
                    }
                }
            }
        }

        members.get(1).healthStatus.set(500);
        awaitState(1, "site", TunnelState.UNHEALTHY);
        await("503 over TLS").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> get("site.tunnel.test", "").startsWith("HTTP/1.1 503"));
        assertThat(get("site.tunnel.test", "")).contains("Service unavailable").contains("The tunnel serving "
                + "site.tunnel.test is connected, but its local service is failing its health check");

        members.get(0).healthStatus.set(200);
        awaitState(0, "site", TunnelState.READY);
        await("served again").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> get("site.tunnel.test", "").startsWith("HTTP/1.1 200"));
        assertThat(get("site.tunnel.test", "")).endsWith("one");
    }

    @Test
    void terminatedAtTheNodeBasicAuthAndIpRulesApplyAsOnPlainHttp() throws Exception {
        String refused = get("locked.tunnel.test", "");
        assertThat(refused).startsWith("HTTP/1.1 401").contains("X-Flux-Error: 401")
                .contains("WWW-Authenticate: Basic realm=\"locked\"");
        String wrong = get("locked.tunnel.test", "Authorization: Basic YW5uOndyb25n");
        assertThat(wrong).startsWith("HTTP/1.1 401");
        // ann:secret; the local service never sees the tunnel's credentials
        String admitted = get("locked.tunnel.test", "Authorization: Basic YW5uOnNlY3JldA==");
        assertThat(admitted).startsWith("HTTP/1.1 200").contains("X-Seen-Authorization: false")
                .contains("X-Seen-Proto: https");

        // the node's own page: nothing reached the agent
        assertThat(get("denied.tunnel.test", "")).startsWith("HTTP/1.1 403").contains("X-Flux-Error: 403")
                .contains("Access denied");
    }

    @Test
    void passedThroughBalancedPerConnectionAndAlertedWhenNoMemberIsHealthy() throws Exception {
        List<String> servedBy = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            servedBy.add(getPassthrough());
        }
        assertThat(servedBy.get(0)).isNotEqualTo(servedBy.get(1));
        assertThat(servedBy).containsExactly(servedBy.get(0), servedBy.get(1), servedBy.get(0), servedBy.get(1));

        tlsServices.get(0).stop(0);
        awaitState(0, "pass", TunnelState.UNHEALTHY);
        for (int i = 0; i < 3; i++) {
            assertThat(getPassthrough()).isEqualTo("tls two");
        }

        tlsServices.get(1).stop(0);
        awaitState(1, "pass", TunnelState.UNHEALTHY);
        await("no member left").atMost(Duration.ofSeconds(5))
                .until(() -> node.registry().httpsTunnel("pass.tunnel.test") == null);
        assertThatThrownBy(this::getPassthrough).isInstanceOf(SSLException.class)
                .hasMessageContaining("internal_error");
        // a host nobody serves, for comparison
        assertThatThrownBy(() -> get("nobody.tunnel.test", "")).isInstanceOf(SSLException.class)
                .hasMessageContaining("unrecognized_name");
    }

    @Test
    void aMemberMustHandleTlsLikeItsGroup() throws Exception {
        Agent odd = new Agent(AgentConfigLoader.parse("""
                serverAddr = "127.0.0.1"
                serverPort = %d
                token = "%s"
                [tls]
                fingerprint = "%s"
                [[tunnels]]
                name = "odd"
                type = "https"
                localPort = %d
                subdomain = "site"
                group = "site"
                groupKey = "k"
                """.formatted(node.tunnelAddress().getPort(), TOKEN, node.fingerprint(), members.get(0).port()),
                "flux.toml", dir), new AgentListener() { });
        agents.add(odd);
        odd.start();
        await().atMost(Duration.ofSeconds(15)).until(() -> odd.status().get(0).state() == TunnelState.REJECTED);
        assertThat(odd.status().get(0).error()).isEqualTo("https group 'site' uses tlsTermination = \"node\"; every "
                + "member must handle TLS the same way (set tlsTermination = \"node\")");
    }

    private void awaitState(int agent, String tunnel, TunnelState state) {
        await().atMost(Duration.ofSeconds(15)).until(() -> agents.get(agent).status().stream()
                .anyMatch(s -> s.name().equals(tunnel) && s.state() == state));
    }

    /** A TLS connection to the node's HTTPS port with SNI {@code host}, trusting only {@code trusted}. */
    private SSLSocket tls(String host, NodeCertificate trusted) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("trusted", trusted.leaf());
        tmf.init(ks);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, tmf.getTrustManagers(), null);
        Socket raw = new Socket("127.0.0.1", node.vhostHttpsAddress().getPort());
        SSLSocket tls = (SSLSocket) client.getSocketFactory().createSocket(raw, host, raw.getPort(), true);
        tls.setSoTimeout(10_000);
        SSLParameters params = tls.getSSLParameters();
        params.setServerNames(List.of(new SNIHostName(host)));
        params.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(params);
        tls.startHandshake();
        return tls;
    }

    /** One GET on its own connection through the node's certificate; the whole response. */
    private String get(String host, String header) throws Exception {
        try (SSLSocket s = tls(host, wildcard)) {
            s.getOutputStream().write(header.isEmpty()
                    ? RawHttp.request("GET", host, "/", "", "Connection: close")
                    : RawHttp.request("GET", host, "/", "", "Connection: close", header));
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** One GET through the passthrough group: the local service's own certificate answers; the body. */
    private String getPassthrough() throws Exception {
        try (SSLSocket s = tls("pass.tunnel.test", serviceCertificate)) {
            s.getOutputStream().write(RawHttp.request("GET", "pass.tunnel.test", "/", "", "Connection: close"));
            s.getOutputStream().flush();
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 200");
            return response.substring(response.indexOf("\r\n\r\n") + 4);
        }
    }
}

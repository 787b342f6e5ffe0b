package dev.flux.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.flux.client.config.AgentConfig;
import dev.flux.client.config.AgentConfigLoader;
import dev.flux.node.GatewayNode;
import dev.flux.node.config.NodeConfigLoader;
import dev.flux.protocol.tls.NodeCertificate;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
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
 * https tunnels with a real node and a real agent in one JVM: TLS passed through by SNI to a local TLS server, and
 * TLS terminated at the node with a wildcard certificate, both reached by a JDK TLS client that verifies the
 * certificate and the host name.
 */
class HttpsTunnelIntegrationTest {

    static final String TOKEN = "flx_https-integration-token-0123456789";

    @TempDir
    Path dir;

    GatewayNode node;
    Agent agent;
    HttpsServer tlsService;
    com.sun.net.httpserver.HttpServer plainService;
    NodeCertificate serviceCertificate;
    NodeCertificate wildcard;

    @BeforeEach
    void setUp() throws Exception {
        wildcard = NodeCertificate.loadOrGenerate(dir.resolve("wildcard"), List.of("*.tunnel.test")).certificate();
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

        serviceCertificate = NodeCertificate.generate(List.of("secure.tunnel.test"));
        tlsService = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        tlsService.setHttpsConfigurator(new HttpsConfigurator(serverContext(serviceCertificate)));
        tlsService.createContext("/", ex -> {
            byte[] body = ("local TLS, forwarded proto " + ex.getRequestHeaders().getFirst("X-Forwarded-Proto"))
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        tlsService.start();

        plainService = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        plainService.createContext("/", ex -> {
            byte[] body = ("plain " + ex.getRequestHeaders().getFirst("X-Forwarded-Proto") + " "
                    + ex.getRequestHeaders().getFirst("X-Forwarded-Host")).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        plainService.start();
    }

    @AfterEach
    void tearDown() {
        if (agent != null) {
            agent.close();
        }
        node.close();
        tlsService.stop(0);
        plainService.stop(0);
    }

    AgentConfig agentConfig(String extraTunnels) {
        return AgentConfigLoader.parse("""
                serverAddr = "127.0.0.1"
                serverPort = %d
                token = "%s"
                [tls]
                fingerprint = "%s"
                [[tunnels]]
                name = "secure"
                type = "https"
                localPort = %d
                subdomain = "secure"
                [[tunnels]]
                name = "app"
                type = "https"
                tlsTermination = "node"
                localPort = %d
                subdomain = "app"
                """.formatted(node.tunnelAddress().getPort(), TOKEN, node.fingerprint(), tlsService.getAddress().getPort(),
                plainService.getAddress().getPort()) + extraTunnels, "flux.toml", dir);
    }

    @Test
    void passthroughAndTerminationCarryRequests() throws Exception {
        agent = new Agent(agentConfig(""), new AgentListener() { });
        agent.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.status().stream()
                .allMatch(s -> s.state() == TunnelState.READY));
        int port = node.vhostHttpsAddress().getPort();
        assertThat(agent.status().get(0).urls()).containsExactly("https://secure.tunnel.test:" + port);
        assertThat(agent.status().get(1).urls()).containsExactly("https://app.tunnel.test:" + port);

        // the local service's own certificate reaches the visitor: the node did not terminate TLS
        assertThat(get("secure.tunnel.test", serviceCertificate)).startsWith("HTTP/1.1 200")
                .endsWith("local TLS, forwarded proto null");
        // the node's wildcard certificate answers, and the request arrives as plain HTTP with X-Forwarded-*
        assertThat(get("app.tunnel.test", wildcard)).startsWith("HTTP/1.1 200")
                .endsWith("plain https app.tunnel.test");
        // an unknown host name gets no certificate at all
        assertThatThrownBy(() -> get("nobody.tunnel.test", wildcard)).isInstanceOf(SSLException.class);
        await().atMost(Duration.ofSeconds(5)).until(() -> agent.status().get(0).connections() == 0);
    }

    @Test
    void terminationWithoutACertificateIsRefusedAtRegistration() throws Exception {
        agent = new Agent(agentConfig("""
                [[tunnels]]
                name = "custom"
                type = "https"
                tlsTermination = "node"
                localPort = 8080
                customDomains = ["shop.example.com"]
                """), new AgentListener() { });
        agent.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.status().get(2).state() == TunnelState.REJECTED);
        assertThat(agent.status().get(2).error()).contains("no certificate for shop.example.com")
                .contains("[[certificates]]");
        assertThat(agent.status().get(1).state()).isEqualTo(TunnelState.READY);
    }

    /** One GET over TLS to the node's HTTPS port, with SNI {@code host}, trusting only {@code trusted}. */
    String get(String host, NodeCertificate trusted) throws Exception {
        SSLContext client = SSLContext.getInstance("TLS");
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("trusted", trusted.leaf());
        tmf.init(ks);
        client.init(null, tmf.getTrustManagers(), null);
        try (Socket raw = new Socket("127.0.0.1", node.vhostHttpsAddress().getPort());
             SSLSocket tls = (SSLSocket) client.getSocketFactory().createSocket(raw, host, raw.getPort(), true)) {
            tls.setSoTimeout(10_000);
            SSLParameters params = tls.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName(host)));
            params.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(params);
            tls.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            tls.getOutputStream().flush();
            return new String(tls.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static SSLContext serverContext(NodeCertificate certificate) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("key", certificate.key(), new char[0], certificate.chain().toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }
}

package dev.flux.node.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.node.GatewayNode;
import dev.flux.node.config.NodeConfigLoader;
import dev.flux.node.controlplane.FakeControlPlane.Account;
import dev.flux.protocol.control.LoginAccepted;
import dev.flux.protocol.control.TunnelReady;
import dev.flux.protocol.net.Transports;
import dev.flux.protocol.tls.Fingerprint;
import dev.flux.protocol.tls.NodeCertificate;
import io.netty.channel.EventLoopGroup;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A certificate uploaded to the control plane reaches the node with the tunnel's authorization, and the node presents
 * it to HTTPS visitors of that custom domain. A real node (sockets, TLS, HTTP/2) against the node API's test server.
 */
class UploadedCertificateTest {

    private static final String ALICE = "flx_alice-token-0123456789abcdef";

    @TempDir
    Path dir;
    EventLoopGroup group;
    GatewayNode node;
    FakeControlPlane controlPlane;
    TestAgent agent;

    @AfterEach
    void tearDown() {
        if (agent != null) {
            agent.close();
        }
        if (node != null) {
            node.close();
        }
        if (controlPlane != null) {
            controlPlane.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void theNodePresentsTheUploadedCertificateForTheTunnelsDomain() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        NodeCertificate uploaded = NodeCertificate.generate(List.of("shop.example.com"));
        controlPlane = new FakeControlPlane(port);
        controlPlane.tokens.put(ALICE, new Account(7, "alice", 70));
        controlPlane.grants.put("shop", Map.of("tunnelId", 5, "customDomain", "shop.example.com",
                "tlsTermination", "node", "certificate", Map.of("domain", "shop.example.com",
                        "chainPem", uploaded.certificatePem(), "keyPem", uploaded.privateKeyPem())));
        node = GatewayNode.start(NodeConfigLoader.parse("""
                bindAddr = "127.0.0.1"
                bindPort = 0
                vhostHTTPPort = 0
                vhostHTTPSPort = 0
                publicHost = "127.0.0.1"
                dataDir = "data"

                [controlPlane]
                url = "http://127.0.0.1:%d"
                credential = "%s"
                requestTimeout = 2
                """.formatted(port, FakeControlPlane.CREDENTIAL), "node.toml", dir));
        ControlPlaneModeTest.awaitTrue(() -> node.controlPlane().registered(), Duration.ofSeconds(10));
        group = Transports.newGroup(1, "test-agent");
        agent = TestAgent.connect(group, node.tunnelAddress(), node.fingerprint(), ALICE);
        agent.await(LoginAccepted.class, Duration.ofSeconds(5));

        agent.registerHttpsTerminated("shop", "shop.example.com");
        TunnelReady ready = agent.await(TunnelReady.class, Duration.ofSeconds(5));
        assertThat(ready.urls()).hasSize(1);

        AtomicReference<X509Certificate> presented = new AtomicReference<>();
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                presented.set(chain[0]);
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1",
                node.vhostHttpsAddress().getPort())) {
            SSLParameters p = s.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName("shop.example.com")));
            s.setSSLParameters(p);
            s.setSoTimeout(5_000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: shop.example.com\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 200 ").endsWith("ok");
        }
        assertThat(Fingerprint.of(presented.get())).isEqualTo(uploaded.fingerprint());
    }
}

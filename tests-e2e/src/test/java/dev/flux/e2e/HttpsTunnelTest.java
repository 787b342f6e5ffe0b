package dev.flux.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.flux.e2e.client.SniHttpsClient;
import dev.flux.e2e.framework.AgentProcess;
import dev.flux.e2e.framework.ControlPlaneClient;
import dev.flux.e2e.framework.ControlPlaneProcess;
import dev.flux.e2e.framework.FluxProcesses;
import dev.flux.e2e.framework.ManagedProcess;
import dev.flux.e2e.framework.NodeProcess;
import dev.flux.e2e.framework.Ports;
import dev.flux.e2e.framework.TestCertificate;
import dev.flux.e2e.service.HttpTestServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * https tunnels with real processes: a node with an HTTPS vhost port and a wildcard certificate for
 * {@code *.tunnel.test}, standalone with {@code fluxctl up -c flux.toml}, and managed by a control plane with
 * {@code fluxctl tunnel add https ... --terminate}. Visitors are JDK TLS clients that send SNI and trust exactly the
 * certificate they should meet: the local service's own one when TLS passes through, the node's when it terminates.
 */
class HttpsTunnelTest {

    @RegisterExtension
    static final FluxProcesses flux = new FluxProcesses();

    @TempDir
    static Path dir;

    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(30);
    private static final Pattern URL = Pattern.compile("(https://\\S+)");

    private static TestCertificate wildcard;
    private static TestCertificate serviceCertificate;
    private static HttpsServer tlsService;
    private static HttpTestServer web;
    private static NodeProcess standalone;
    private static int standaloneHttpsPort;

    @BeforeAll
    static void startServices() throws Exception {
        wildcard = TestCertificate.generate(List.of("*." + NodeProcess.SUBDOMAIN_HOST));
        wildcard.writePem(dir.resolve("wildcard"));
        serviceCertificate = TestCertificate.generate(List.of("shop." + NodeProcess.SUBDOMAIN_HOST,
                "shop.example.test"));
        tlsService = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        tlsService.setHttpsConfigurator(new HttpsConfigurator(serviceCertificate.serverContext()));
        tlsService.createContext("/", ex -> {
            byte[] body = ("server=local-tls\nhost=" + ex.getRequestHeaders().getFirst("Host") + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        tlsService.start();
        web = HttpTestServer.start("web");

        standaloneHttpsPort = Ports.free();
        standalone = flux.startNode(dir, httpsConfig(standaloneHttpsPort));
        AgentProcess agent = flux.startAgent(dir, standalone, """
                [[tunnels]]
                name = "shop"
                type = "https"
                localPort = {{ tlsPort }}
                subdomain = "shop"
                customDomains = ["shop.example.test"]

                [[tunnels]]
                name = "app"
                type = "https"
                tlsTermination = "node"
                localPort = {{ webPort }}
                subdomain = "app"
                """, Map.of("tlsPort", tlsService.getAddress().getPort(), "webPort", web.port()));
        agent.awaitTunnelReady("shop");
        agent.awaitTunnelReady("app");
    }

    @AfterAll
    static void stopServices() {
        if (tlsService != null) {
            tlsService.stop(0);
        }
        if (web != null) {
            web.close();
        }
    }

    /** {@code vhostHTTPSPort} and the wildcard certificate, as top-level lines of node.toml. */
    private static String httpsConfig(int httpsPort) {
        return """
                vhostHTTPSPort = %d
                certificates = [ { domains = ["*.%s"], certFile = "%s", keyFile = "%s" } ]
                """.formatted(httpsPort, NodeProcess.SUBDOMAIN_HOST, dir.resolve("wildcard/cert.pem"),
                dir.resolve("wildcard/key.pem"));
    }

    @ParameterizedTest(name = "{0}: TLS by {1}")
    @CsvSource({
            "shop.tunnel.test,  local-tls",
            "shop.example.test, local-tls",
            "app.tunnel.test,   node",
    })
    void standaloneNodeRoutesBySni(String host, String terminatedBy) throws Exception {
        int httpsPort = standaloneHttpsPort;
        boolean local = terminatedBy.equals("local-tls");
        X509Certificate expected = local ? serviceCertificate.certificate() : wildcard.certificate();
        String response = new SniHttpsClient(httpsPort, expected).get(host, "/info");
        assertThat(response).startsWith("HTTP/1.1 200");
        if (local) {
            assertThat(response).contains("server=local-tls").contains("host=" + host);
        } else {
            assertThat(response).contains("server=web").contains("x-forwarded-proto=https")
                    .contains("x-forwarded-host=" + host);
        }
        // the certificate the other side would present is not the one met here
        X509Certificate other = local ? wildcard.certificate() : serviceCertificate.certificate();
        assertThatThrownBy(() -> new SniHttpsClient(httpsPort, other).get(host, "/info"))
                .isInstanceOf(SSLException.class);
    }

    @Test
    void unknownHostNamesAreRefused() throws Exception {
        assertThatThrownBy(() -> new SniHttpsClient(standaloneHttpsPort, wildcard.certificate())
                .get("nobody.tunnel.test", "/")).isInstanceOf(SSLException.class);
        standalone.process().awaitLine(Pattern.compile("https connection from .* closed: no https tunnel serves "
                + "nobody\\.tunnel\\.test"), Duration.ofSeconds(5));
    }

    @Test
    void fluxctlTunnelAddHttpsTerminateServesThroughAManagedNode() throws Exception {
        ControlPlaneProcess controlPlane = flux.startControlPlane(dir);
        ControlPlaneClient admin = ControlPlaneClient.admin(controlPlane);
        int httpsPort = Ports.free();
        flux.startNode(dir, controlPlane, admin.createNode("edge"), httpsConfig(httpsPort));
        ControlPlaneClient dana = admin.createUserAndSignIn("dana");
        Path config = dir.resolve("dana-config");
        ManagedProcess login = flux.startFluxctl(dir, config, "login", "--server", controlPlane.url().toString(),
                "--token", dana.token());
        assertThat(login.awaitExit(COMMAND_LIMIT)).as("fluxctl login; output:%n%s", output(login)).isZero();
        flux.startFluxctl(dir, config, "up", "--verbose");

        URI terminated = add(config, "https", Integer.toString(web.port()), "--subdomain", "dana", "--terminate");
        assertThat(terminated).isEqualTo(URI.create("https://dana." + NodeProcess.SUBDOMAIN_HOST + ":" + httpsPort));
        URI passthrough = add(config, "https", Integer.toString(tlsService.getAddress().getPort()),
                "--subdomain", "shop");
        await("the running agent to serve " + terminated)
                .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .untilAsserted(() -> assertThat(new SniHttpsClient(httpsPort, wildcard.certificate())
                        .get(terminated.getHost(), "/info")).startsWith("HTTP/1.1 200").contains("server=web")
                        .contains("x-forwarded-proto=https"));
        await("the running agent to serve " + passthrough)
                .atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .untilAsserted(() -> assertThat(new SniHttpsClient(httpsPort, serviceCertificate.certificate())
                        .get(passthrough.getHost(), "/info")).startsWith("HTTP/1.1 200")
                        .contains("server=local-tls"));

        ManagedProcess refused = flux.startFluxctl(dir, config, "tunnel", "add", "tcp", "22", "--terminate");
        assertThat(refused.awaitExit(COMMAND_LIMIT)).isNotZero();
        assertThat(output(refused)).contains("--terminate is for https tunnels");
    }

    private static URI add(Path config, String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "tunnel";
        all[1] = "add";
        System.arraycopy(args, 0, all, 2, args.length);
        ManagedProcess add = flux.startFluxctl(dir, config, all);
        assertThat(add.awaitExit(COMMAND_LIMIT)).as("fluxctl tunnel add; output:%n%s", output(add)).isZero();
        Matcher m = URL.matcher(output(add));
        assertThat(m.find()).as("a URL in the output of fluxctl tunnel add:%n%s", output(add)).isTrue();
        return URI.create(m.group(1));
    }

    private static String output(ManagedProcess process) {
        return process.lines().stream().map(l -> l.text()).collect(Collectors.joining("\n"));
    }
}

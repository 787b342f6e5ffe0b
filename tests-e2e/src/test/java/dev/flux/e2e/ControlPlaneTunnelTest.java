package dev.flux.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flux.e2e.client.RawHttpClient;
import dev.flux.e2e.client.RawHttpRequest;
import dev.flux.e2e.client.RawHttpResponse;
import dev.flux.e2e.framework.ControlPlaneClient;
import dev.flux.e2e.framework.ControlPlaneProcess;
import dev.flux.e2e.framework.FluxProcesses;
import dev.flux.e2e.framework.ManagedProcess;
import dev.flux.e2e.framework.NodeProcess;
import dev.flux.e2e.service.HttpTestServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The product with its control plane, every part a real process: a control plane on its embedded PostgreSQL, a
 * node it manages, and {@code fluxctl} signed in with a token. Tunnels are added with {@code fluxctl tunnel add}
 * while {@code fluxctl up} runs; revoking a token cuts its agent off; restarting the control plane or the node
 * does not lose the tunnels.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControlPlaneTunnelTest {

    @RegisterExtension
    static final FluxProcesses flux = new FluxProcesses();

    @TempDir
    static Path dir;

    /** fluxctl runs to completion: a JVM start and one or two HTTP requests. */
    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(30);
    /** The bound for a revocation to reach the node and drop the agent. */
    private static final Duration REVOCATION_LIMIT = Duration.ofSeconds(2);
    private static final Pattern URL = Pattern.compile("(http://\\S+)");

    private static ControlPlaneProcess controlPlane;
    private static ControlPlaneClient admin;
    private static NodeProcess node;
    private static HttpTestServer web;

    @BeforeAll
    static void startStack() throws Exception {
        web = HttpTestServer.start("web");
        controlPlane = flux.startControlPlane(dir);
        admin = ControlPlaneClient.admin(controlPlane);
        node = flux.startNode(dir, controlPlane, admin.createNode("edge"));
    }

    @AfterAll
    static void stopWebServer() {
        web.close();
    }

    @Test
    @Order(1)
    void tunnelAddedWithFluxctlServesThroughTheNodeAndSurvivesRestarts() throws Exception {
        ControlPlaneClient alice = admin.createUserAndSignIn("alice");
        Path config = dir.resolve("alice-config");
        login(config, alice);

        ManagedProcess agent = flux.startFluxctl(dir, config, "up", "--verbose");
        URI url = addHttpTunnel(config, "wx");
        assertThat(url.getHost()).isEqualTo("wx." + NodeProcess.SUBDOMAIN_HOST);
        assertThat(url.getPort()).isEqualTo(node.vhostPort());
        await("the running agent to pick up the new tunnel and serve " + url)
                .atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .untilAsserted(() -> assertServes(url));

        ManagedProcess list = run(config, "tunnel", "list");
        assertThat(list.awaitExit(COMMAND_LIMIT)).as("fluxctl tunnel list exit code").isZero();
        assertThat(output(list)).contains("wx").contains(url.toString());

        // The control plane goes away and comes back: the tunnel serves all along.
        controlPlane.stop();
        for (int i = 0; i < 5; i++) {
            assertServes(url);
        }
        controlPlane.restart();
        assertServes(url);

        // The node crashes and comes back: the agent reconnects and the tunnel is back on its URL.
        node.kill();
        node.restart();
        await("the tunnel " + url + " to serve again after the node restarted")
                .atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .untilAsserted(() -> assertServes(url));
        assertThat(agent.isAlive()).as("fluxctl up still running").isTrue();
    }

    @Test
    @Order(2)
    void revokingTheTokenDisconnectsItsAgentWithinTwoSeconds() throws Exception {
        ControlPlaneClient bob = admin.createUserAndSignIn("bob");
        Path config = dir.resolve("bob-config");
        login(config, bob);
        ManagedProcess agent = flux.startFluxctl(dir, config, "up", "--verbose");
        URI url = addHttpTunnel(config, "bob");
        await("bob's tunnel to serve " + url)
                .atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .untilAsserted(() -> assertServes(url));

        admin.delete("/api/v1/tokens/" + bob.tokenId());
        long revokedAt = System.nanoTime();
        await("the tunnel " + url + " to stop serving after its token was revoked")
                .atMost(REVOCATION_LIMIT).pollInterval(Duration.ofMillis(50))
                .until(() -> status(url) != 200);
        Duration took = Duration.ofNanos(System.nanoTime() - revokedAt);

        // It cannot come back with that token: fluxctl gives up with the "token rejected" exit code.
        assertThat(agent.awaitExit(Duration.ofSeconds(15))).as("fluxctl up exit code after the revocation")
                .isEqualTo(3);
        assertThat(status(url)).as("status of %s after the agent gave up", url).isNotEqualTo(200);
        System.out.println("e2e: revocation cut the tunnel off after " + took.toMillis() + " ms");
    }

    @Test
    @Order(3)
    void refusalsAreSpecific() throws Exception {
        ControlPlaneClient carol = admin.createUserAndSignIn("carol");
        Path config = dir.resolve("carol-config");
        login(config, carol);

        ManagedProcess taken = run(config, "tunnel", "add", "http", Integer.toString(web.port()),
                "--subdomain", "wx", "--name", "mine");
        assertThat(taken.awaitExit(COMMAND_LIMIT)).as("exit code of adding a taken subdomain").isNotZero();
        assertThat(output(taken)).contains("subdomain 'wx' is taken");

        ManagedProcess wrongToken = run(dir.resolve("nobody-config"), "login", "--server",
                controlPlane.url().toString(), "--token", "flx_not-a-token-of-this-control-plane");
        assertThat(wrongToken.awaitExit(COMMAND_LIMIT)).as("exit code of login with a wrong token").isEqualTo(3);
    }

    private static void login(Path config, ControlPlaneClient user) {
        ManagedProcess login = run(config, "login", "--server", controlPlane.url().toString(),
                "--token", user.token());
        assertThat(login.awaitExit(COMMAND_LIMIT)).as("fluxctl login exit code; output:%n%s", output(login))
                .isZero();
    }

    private static URI addHttpTunnel(Path config, String subdomain) {
        ManagedProcess add = run(config, "tunnel", "add", "http", Integer.toString(web.port()),
                "--subdomain", subdomain, "--name", subdomain);
        assertThat(add.awaitExit(COMMAND_LIMIT)).as("fluxctl tunnel add exit code; output:%n%s", output(add))
                .isZero();
        Matcher m = URL.matcher(output(add));
        assertThat(m.find()).as("a URL in the output of fluxctl tunnel add:%n%s", output(add)).isTrue();
        return URI.create(m.group(1));
    }

    private static ManagedProcess run(Path config, String... args) {
        return flux.startFluxctl(dir, config, args);
    }

    private static String output(ManagedProcess process) {
        List<String> lines = new ArrayList<>();
        process.lines().forEach(line -> lines.add(line.text()));
        return lines.stream().collect(Collectors.joining("\n"));
    }

    private static int status(URI url) {
        try (RawHttpResponse response = new RawHttpClient(url.getPort()).send(RawHttpRequest.get(url.getHost(), "/info"))) {
            return response.status();
        } catch (Exception e) {
            return -1;
        }
    }

    private static void assertServes(URI url) throws Exception {
        try (RawHttpResponse response = new RawHttpClient(url.getPort())
                .send(RawHttpRequest.get(url.getHost(), "/info"))) {
            assertThat(response.status()).as("GET %s/info", url).isEqualTo(200);
            assertThat(response.bodyProperties()).containsEntry("server", "web");
        }
    }
}

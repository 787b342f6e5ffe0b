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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A load-balancing group managed by the control plane, every part a real process: the control plane, its node, and
 * two users' {@code fluxctl tunnel add http --group shop --group-key K} + {@code fluxctl up}. The node spreads the
 * group's requests over both local services; the one whose health check fails is taken out and put back.
 */
class TunnelGroupControlPlaneTest {

    @RegisterExtension
    static final FluxProcesses flux = new FluxProcesses();

    @TempDir
    static Path dir;

    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(30);
    private static final Duration START = Duration.ofSeconds(30);
    private static final String HOST = "shop." + NodeProcess.SUBDOMAIN_HOST;
    private static final String[] HEALTH = {"--health-check", "http:/info", "--health-interval", "1",
        "--health-timeout", "1", "--health-failures", "2"};

    private static HttpTestServer serviceA;
    private static HttpTestServer serviceB;

    @AfterAll
    static void stopServices() {
        for (HttpTestServer s : new HttpTestServer[] {serviceA, serviceB}) {
            if (s != null) {
                s.close();
            }
        }
    }

    @Test
    void twoUsersAgentsShareTheGroupsRequestsAndAnUnhealthyMemberIsTakenOutAndPutBack() throws Exception {
        serviceA = HttpTestServer.start("a");
        serviceB = HttpTestServer.start("b");
        ControlPlaneProcess controlPlane = flux.startControlPlane(dir);
        ControlPlaneClient admin = ControlPlaneClient.admin(controlPlane);
        NodeProcess node = flux.startNode(dir, controlPlane, admin.createNode("edge"));
        saveLogin(controlPlane, "alice", admin.createUserAndSignIn("alice"));
        saveLogin(controlPlane, "bob", admin.createUserAndSignIn("bob"));

        // both ask for the group's subdomain: whichever comes first founds the group, the other joins it
        ManagedProcess addA = run("alice", with("tunnel", "add", "http", Integer.toString(serviceA.port()),
                "--name", "web-a", "--subdomain", "shop", "--group", "shop", "--group-key", "K", "--admin-port", "0"));
        ManagedProcess addB = run("bob", with("tunnel", "add", "http", Integer.toString(serviceB.port()),
                "--name", "web-b", "--subdomain", "shop", "--group", "shop", "--group-key", "K", "--admin-port", "0"));
        awaitSuccess(addA, "alice's tunnel add");
        awaitSuccess(addB, "bob's tunnel add");
        assertThat(output(addA)).contains("http://" + HOST).contains("(group shop)");
        assertThat(output(addB)).contains("http://" + HOST).contains("(group shop)");
        ManagedProcess a = run("alice", "up", "--verbose", "--admin-port", "0");
        ManagedProcess b = run("bob", "up", "--verbose", "--admin-port", "0");
        ManagedProcess wrong = run("bob", "tunnel", "add", "http", Integer.toString(serviceB.port()),
                "--name", "web-x", "--group", "shop", "--group-key", "not-K", "--admin-port", "0");
        ManagedProcess list = run("bob", "tunnel", "list");
        assertThat(wrong.awaitExit(COMMAND_LIMIT)).as("bob's tunnel add with a wrong key").isNotZero();
        assertThat(output(wrong)).contains("the key does not match group 'shop'");
        awaitSuccess(list, "bob's tunnel list");
        assertThat(output(list)).containsPattern("web-b\\s+http\\s+shop\\s");
        a.awaitLine(Pattern.compile("\\[web-a] tunnel ready http://" + Pattern.quote(HOST)), START);
        b.awaitLine(Pattern.compile("\\[web-b] tunnel ready http://" + Pattern.quote(HOST)), START);

        int port = node.vhostPort();
        assertThat(servers(port, 6)).as("six requests to the group").containsOnly("a", "b").contains("a", "b");

        serviceB.close();
        b.awaitLine(Pattern.compile("\\[web-b] local service unhealthy"), Duration.ofSeconds(15));
        assertThat(servers(port, 6)).as("requests while b's service is down").containsOnly("a");

        serviceB = HttpTestServer.start("b", serviceB.port());
        b.awaitLine(Pattern.compile("\\[web-b] local service healthy again"), Duration.ofSeconds(15));
        await("b back in the group").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> servers(port, 1).contains("b"));
        assertThat(servers(port, 4)).as("requests once b recovered").contains("a", "b");
    }

    /** Which local service answered each of {@code n} requests to the group's host. */
    private static List<String> servers(int port, int n) throws Exception {
        List<String> answered = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            try (RawHttpResponse response = new RawHttpClient(port).send(RawHttpRequest.get(HOST, "/info"))) {
                assertThat(response.status()).as("GET http://%s/info", HOST).isEqualTo(200);
                answered.add(response.bodyProperties().get("server"));
            }
        }
        return answered;
    }

    private static String[] with(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(HEALTH));
        return all.toArray(String[]::new);
    }

    /**
     * Writes the credentials.toml {@code fluxctl login --token} would (saving a process start per user; the login
     * command has tests of its own).
     */
    private static void saveLogin(ControlPlaneProcess controlPlane, String user, ControlPlaneClient client)
            throws IOException {
        Path config = Files.createDirectories(dir.resolve(user + "-config"));
        Path file = Files.createFile(config.resolve("credentials.toml"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, "server = \"%s\"\ntoken = \"%s\"\nusername = \"%s\"\ntokenName = \"e2e\"\n"
                .formatted(controlPlane.url(), client.token(), user));
    }

    private static void awaitSuccess(ManagedProcess process, String what) {
        assertThat(process.awaitExit(COMMAND_LIMIT)).as("%s exit code; output:%n%s", what, output(process)).isZero();
    }

    private static ManagedProcess run(String user, String... args) {
        return flux.startFluxctl(dir, dir.resolve(user + "-config"), args);
    }

    private static String output(ManagedProcess process) {
        return process.lines().stream().map(ManagedProcess.Line::text).collect(Collectors.joining("\n"));
    }
}

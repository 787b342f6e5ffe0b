package dev.flux.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flux.e2e.client.TcpEchoClient;
import dev.flux.e2e.client.TcpEchoClient.Echo;
import dev.flux.e2e.framework.ControlPlaneClient;
import dev.flux.e2e.framework.ControlPlaneProcess;
import dev.flux.e2e.framework.FluxProcesses;
import dev.flux.e2e.framework.ManagedProcess;
import dev.flux.e2e.service.TcpEchoServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secret (stcp) tunnel managed by the control plane, every part a real process: the control plane, its node, the
 * owner's {@code fluxctl tunnel add stcp} + {@code fluxctl up} (the secret saved on the owner's machine only) and
 * visitors' {@code fluxctl visit OWNER/NAME} with their saved logins. A user the owner did not list is refused, by
 * the control plane and by the node.
 */
class SecretTunnelControlPlaneTest {

    @RegisterExtension
    static final FluxProcesses flux = new FluxProcesses();

    @TempDir
    static Path dir;

    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(30);
    private static final Duration START = Duration.ofSeconds(30);
    private static final Pattern LISTENING = Pattern.compile("visitor listening on 127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern SECRET = Pattern.compile("^secret: (\\S+)");
    private static final Pattern VISIT = Pattern.compile("^visit with: (fluxctl visit \\S+ --secret \\S+)");

    private static ControlPlaneProcess controlPlane;
    private static ControlPlaneClient admin;
    private static TcpEchoServer echo;
    private static String secret;
    private static ControlPlaneClient carol;

    @BeforeAll
    static void startStack() throws Exception {
        echo = TcpEchoServer.start();
        controlPlane = flux.startControlPlane(dir);
        admin = ControlPlaneClient.admin(controlPlane);
        flux.startNode(dir, controlPlane, admin.createNode("edge"));
        ControlPlaneClient alice = admin.createUserAndSignIn("alice");
        login("alice", alice);
        login("bob", admin.createUserAndSignIn("bob"));
        carol = admin.createUserAndSignIn("carol");
        login("carol", carol);

        ManagedProcess add = fluxctl("alice", "tunnel", "add", "stcp", Integer.toString(echo.port()),
                "--name", "echo", "--allow-user", "bob");
        assertThat(add.awaitExit(COMMAND_LIMIT)).as("fluxctl tunnel add exit code; output:%n%s", output(add))
                .isZero();
        secret = find(SECRET, add).group(1);
        assertThat(find(VISIT, add).group(1)).isEqualTo("fluxctl visit alice/echo --secret " + secret);

        ManagedProcess up = fluxctl("alice", "up", "--verbose");
        up.awaitLine(Pattern.compile("\\[echo] tunnel ready stcp://alice/echo"), START);
    }

    @AfterAll
    static void stopServices() throws IOException {
        if (echo != null) {
            echo.close();
        }
    }

    @Test
    void theSecretStaysOnTheOwnersMachine() throws IOException {
        Path secrets = dir.resolve("alice-config").resolve("secrets.toml");
        assertThat(Files.readString(secrets)).contains("\"echo\" = \"" + secret + "\"");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secrets))).isEqualTo("rw-------");
        JsonNode tunnels = admin.get("/api/v1/tunnels");
        assertThat(tunnels.toString()).contains("\"stcp\"").doesNotContain(secret);
    }

    @Test
    void anAllowedUserVisitsWithHisSavedLogin() throws Exception {
        int port = visitor("bob", "alice/echo", "--secret", secret);
        assertEchoes(port);
    }

    @Test
    void theOwnerVisitsHerOwnTunnelWithTheSavedSecret() throws Exception {
        int port = visitor("alice", "echo");
        assertEchoes(port);
    }

    @Test
    void aUserNotAllowedIsRefusedByTheControlPlane() {
        ManagedProcess refused = fluxctl("carol", "visit", "alice/echo", "--secret", secret);
        assertThat(refused.awaitExit(COMMAND_LIMIT)).as("exit code of carol's visit; output:%n%s", output(refused))
                .isNotZero();
        assertThat(output(refused)).contains("user 'carol' is not allowed to visit secret tunnel 'alice/echo'; ask "
                + "alice to add you to its allowUsers");
    }

    @Test
    void aUserNotAllowedIsRefusedByTheNodeToo() throws Exception {
        // carol goes to the node directly with a flux.toml of her own, past the control plane's check
        JsonNode edge = StreamSupport.stream(admin.get("/api/v1/nodes").spliterator(), false)
                .filter(n -> n.path("name").asText().equals("edge")).findFirst().orElseThrow();
        Path config = dir.resolve("carol-direct.toml");
        Files.writeString(config, """
                serverAddr = "127.0.0.1"
                serverPort = %d
                token = "%s"

                [tls]
                fingerprint = "%s"

                [[visitors]]
                name = "echo"
                type = "stcp"
                serverName = "echo"
                serverUser = "alice"
                secretKey = "%s"
                bindPort = 0
                """.formatted(edge.path("tunnelPort").asInt(), carol.token(), edge.path("fingerprint").asText(),
                secret));
        ManagedProcess visitor = fluxctl("carol", "visit", "echo", "--owner", "alice", "--secret", secret,
                "-c", config.toString(), "--verbose");
        int port = Integer.parseInt(visitor.awaitLine(LISTENING, START).group(1));
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("hello?".getBytes(StandardCharsets.UTF_8));
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        } catch (IOException reset) {
            // closed by a reset: refused all the same
        }
        visitor.awaitLine(Pattern.compile("the node refused the visit: carol is not allowed to visit tunnel 'echo'"),
                Duration.ofSeconds(10));
    }

    /** Starts {@code fluxctl visit} as {@code user} and returns the local port it printed. */
    private static int visitor(String user, String... args) {
        List<String> all = new ArrayList<>(List.of("visit"));
        all.addAll(List.of(args));
        all.add("--verbose");
        ManagedProcess visitor = fluxctl(user, all.toArray(String[]::new));
        return Integer.parseInt(visitor.awaitLine(LISTENING, START).group(1));
    }

    private static void assertEchoes(int port) {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        await("an echo through " + address).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().untilAsserted(() -> {
                    Echo e = TcpEchoClient.roundTrip(address, 7, 256 * 1024);
                    assertThat(e.received()).isEqualTo(e.sent());
                });
    }

    private static void login(String user, ControlPlaneClient client) {
        ManagedProcess login = fluxctl(user, "login", "--server", controlPlane.url().toString(),
                "--token", client.token());
        assertThat(login.awaitExit(COMMAND_LIMIT)).as("fluxctl login exit code; output:%n%s", output(login))
                .isZero();
    }

    private static ManagedProcess fluxctl(String user, String... args) {
        return flux.startFluxctl(dir, dir.resolve(user + "-config"), args);
    }

    private static Matcher find(Pattern pattern, ManagedProcess process) {
        for (ManagedProcess.Line line : process.lines()) {
            Matcher m = pattern.matcher(line.text());
            if (m.find()) {
                return m;
            }
        }
        throw new AssertionError("no line matching " + pattern + " in:\n" + output(process));
    }

    private static String output(ManagedProcess process) {
        return process.lines().stream().map(ManagedProcess.Line::text).collect(Collectors.joining("\n"));
    }
}

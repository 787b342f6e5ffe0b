package dev.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flux.node.GatewayNode;
import dev.flux.node.config.NodeConfigLoader;
import dev.flux.protocol.auth.Tokens;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fluxctl up} against a real node in this JVM, over real sockets on 127.0.0.1. */
class UpCommandTest {

    static final String TOKEN = Tokens.generate();
    static final String OTHER_FINGERPRINT = "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU";

    @TempDir
    Path dir;

    GatewayNode node;
    final ExecutorService pool = Executors.newSingleThreadExecutor();
    final CliRun cli = new CliRun();

    @BeforeEach
    void startNode() throws Exception {
        node = GatewayNode.start(NodeConfigLoader.parse("""
                bindAddr = "127.0.0.1"
                bindPort = 0
                vhostHTTPPort = 0
                subdomainHost = "tunnel.test"
                allowPorts = [ { start = 30000, end = 39999 } ]
                [[tokens]]
                name = "cli"
                tokenHash = "%s"
                """.formatted(Tokens.hash(TOKEN)), "node.toml", dir));
    }

    @AfterEach
    void stopAll() throws Exception {
        upCommand().stop();
        pool.shutdown();
        assertThat(pool.awaitTermination(15, TimeUnit.SECONDS)).isTrue();
        node.close();
    }

    @Test
    void printsTheEventLinesAndStopsCleanly() throws Exception {
        Path config = agentConfig(node.tunnelAddress().getPort(), TOKEN, node.fingerprint().toString(), """
                [[tunnels]]
                name = "web"
                type = "http"
                localPort = 8080
                subdomain = "web"
                [[tunnels]]
                name = "ssh"
                type = "tcp"
                localPort = 22
                remotePort = 1
                """);

        Future<Integer> exit = up("-c", config.toString());

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(cli.out())
                .containsPattern("(?m)^\\[web\\] tunnel ready http://web\\.tunnel\\.test:\\d+$")
                .containsPattern("(?m)^\\[ssh\\] tunnel rejected: remote port 1 is not allowed on this node"));
        assertThat(cli.out()).startsWith("connected to node 127.0.0.1:" + node.tunnelAddress().getPort()
                + System.lineSeparator());

        upCommand().stop();

        assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(cli.err()).isEmpty();
        assertThat(cli.out()).doesNotContain("\033") // not a terminal: event lines only
                .doesNotContain("disconnected"); // the agent winding down is not news
    }

    @Test
    void aTakenAdminPortIsLoggedAndTheAgentRunsWithoutIt() throws Exception {
        Path config = agentConfig(node.tunnelAddress().getPort(), TOKEN, node.fingerprint().toString(), WEB_TUNNEL);
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Future<Integer> exit = up("-c", config.toString(), "--admin-port", String.valueOf(taken.getLocalPort()));

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(cli.out())
                    .containsPattern("(?m)^\\[web\\] tunnel ready http://web\\.tunnel\\.test:\\d+$"));
            upCommand().stop();
            assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
        }
    }

    @Test
    void aBadAdminPortIsAUsageError() {
        CliRun.Result r = CliRun.run("up", "--admin-port", "70000");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("--admin-port: 70000 is not a port (expected: 1-65535, or 0 to turn the local "
                + "admin API off)");
    }

    @Test
    void reportsTheLostConnectionAndKeepsTrying() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Path config = agentConfig(closedPort, TOKEN, node.fingerprint().toString(), WEB_TUNNEL);

        Future<Integer> exit = up("-c", config.toString());

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(cli.out())
                .containsPattern("(?m)^disconnected: cannot connect to node 127\\.0\\.0\\.1:" + closedPort + ": .+"));
        assertThat(exit).isNotDone();
        upCommand().stop();
        assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void aRejectedTokenEndsWithExitCode3() throws Exception {
        Path config = agentConfig(node.tunnelAddress().getPort(), Tokens.generate(), node.fingerprint().toString(),
                WEB_TUNNEL);

        Future<Integer> exit = up("-c", config.toString());

        assertThat(exit.get(5, TimeUnit.SECONDS)).isEqualTo(3);
        assertThat(cli.err()).startsWith("error: the node rejected the token: the token was not accepted");
        assertThat(cli.err().lines()).hasSize(1);
        assertThat(cli.out()).doesNotContain("tunnel ready");
    }

    @Test
    void anUntrustedNodeEndsWithExitCode4() throws Exception {
        Path config = agentConfig(node.tunnelAddress().getPort(), TOKEN, OTHER_FINGERPRINT, WEB_TUNNEL);

        Future<Integer> exit = up("-c", config.toString());

        assertThat(exit.get(5, TimeUnit.SECONDS)).isEqualTo(4);
        assertThat(cli.err()).startsWith("error: cannot trust the node at 127.0.0.1:" + node.tunnelAddress().getPort());
        assertThat(cli.err().lines()).hasSize(1);
    }

    @Test
    void anInvalidConfigurationEndsWithExitCode2BeforeConnecting() throws Exception {
        Path config = agentConfig(node.tunnelAddress().getPort(), TOKEN, "not-a-fingerprint", """
                [[tunnels]]
                name = "web"
                type = "http"
                localPort = 0
                """);

        CliRun.Result r = CliRun.run("up", "-c", config.toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains(config + ": tls.fingerprint: 'not-a-fingerprint' is not a certificate fingerprint")
                .contains(config + ": tunnels[0].localPort");
        assertThat(r.out()).isEmpty();
    }

    static final String WEB_TUNNEL = """
            [[tunnels]]
            name = "web"
            type = "http"
            localPort = 8080
            subdomain = "web"
            """;

    private Future<Integer> up(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "up";
        System.arraycopy(args, 0, all, 1, args.length);
        return pool.submit(() -> cli.execute(all));
    }

    private UpCommand upCommand() {
        return cli.commandLine.getSubcommands().get("up").getCommand();
    }

    private Path agentConfig(int port, String token, String fingerprint, String tunnels) throws IOException {
        return Files.writeString(dir.resolve("flux.toml"), """
                serverAddr = "127.0.0.1"
                serverPort = %d
                token = "%s"
                [tls]
                fingerprint = "%s"
                """.formatted(port, token, fingerprint) + tunnels);
    }
}

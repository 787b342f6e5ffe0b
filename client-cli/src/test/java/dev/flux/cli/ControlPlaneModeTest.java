package dev.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flux.client.controlplane.CredentialStore;
import dev.flux.client.controlplane.Credentials;
import dev.flux.client.testing.ContractControlPlane;
import dev.flux.client.testing.ContractControlPlane.Token;
import dev.flux.node.GatewayNode;
import dev.flux.node.config.NodeConfigLoader;
import dev.flux.protocol.auth.Tokens;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fluxctl up} and {@code fluxctl http} in control-plane mode: a control plane speaking the contract and a
 * real node, both in this JVM on 127.0.0.1.
 */
class ControlPlaneModeTest {

    @TempDir
    Path dir;

    ContractControlPlane cp;
    Token alice;
    GatewayNode node;
    com.sun.net.httpserver.HttpServer web;
    final ExecutorService pool = Executors.newSingleThreadExecutor();
    final CliRun cli = new CliRun();

    @BeforeEach
    void start() throws Exception {
        cp = ContractControlPlane.start();
        alice = cp.addUser("alice", "laptop");
        node = GatewayNode.start(NodeConfigLoader.parse("""
                bindAddr = "127.0.0.1"
                bindPort = 0
                vhostHTTPPort = 0
                subdomainHost = "tunnel.test"
                allowPorts = [ { start = 30000, end = 39999 } ]
                [[tokens]]
                name = "alice"
                tokenHash = "%s"
                """.formatted(Tokens.hash(alice.secret())), "node.toml", dir));
        cp.setNode("eu1", "127.0.0.1", node.tunnelAddress().getPort(), node.fingerprint().toString(), true);
        new CredentialStore(dir).save(new Credentials(cp.uri().toString(), alice.secret(), "alice", "laptop"));
        web = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        web.createContext("/", ex -> {
            byte[] body = ("hello " + ex.getRequestURI()).getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        web.start();
    }

    @AfterEach
    void stop() throws Exception {
        ((UpCommand) cli.commandLine.getSubcommands().get("up").getCommand()).stop();
        ((HttpCommand) cli.commandLine.getSubcommands().get("http").getCommand()).stop();
        pool.shutdown();
        assertThat(pool.awaitTermination(15, TimeUnit.SECONDS)).isTrue();
        node.close();
        cp.close();
        web.stop(0);
    }

    @Test
    void upServesTheControlPlanesTunnelsAndFollowsTunnelAdd() throws Exception {
        cp.createTunnel("alice", Map.of("name", "web", "type", "http", "subdomain", "web",
                "localTarget", "localhost:" + web.getAddress().getPort()));
        int adminPort = freePort();

        Future<Integer> exit = pool.submit(() -> cli.execute("up", "--config-dir", dir.toString(),
                "--admin-port", String.valueOf(adminPort)));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(cli.out())
                .contains("serving the tunnels of alice from the control plane at " + cp.uri())
                .contains("connected to node 127.0.0.1:" + node.tunnelAddress().getPort())
                .containsPattern("(?m)^\\[web\\] tunnel ready http://web\\.tunnel\\.test:\\d+$"));
        assertThat(get("web.tunnel.test", "/")).endsWith("hello /");

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> status = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + adminPort + "/api/status")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(status.body()).contains("\"name\":\"web\"").contains("\"state\":\"ready\"")
                .contains("\"localTarget\":\"localhost:" + web.getAddress().getPort() + "\"");

        CliRun.Result add = CliRun.run("tunnel", "add", "http", "127.0.0.1:" + web.getAddress().getPort(),
                "--subdomain", "more", "--config-dir", dir.toString(), "--admin-port", String.valueOf(adminPort));
        assertThat(add.out()).contains("the agent running on this machine applies the change now");
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(cli.out())
                .containsPattern("(?m)^\\[more\\] tunnel ready http://more\\.tunnel\\.test:\\d+$"));
        assertThat(get("more.tunnel.test", "/more")).endsWith("hello /more");

        ((UpCommand) cli.commandLine.getSubcommands().get("up").getCommand()).stop();
        assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(cli.out()).containsOnlyOnce("connected to node");
    }

    @Test
    void upWithoutAFileOrALoginSaysWhatToDo() {
        CliRun.Result r = CliRun.run("up", "--config-dir", dir.resolve("nothing").toString(), "--admin-port", "0");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("not logged in: run `fluxctl login --server URL`").contains("flux.toml");
    }

    @Test
    void upWithARevokedTokenExitsWith3() throws Exception {
        cp.revoke(alice);

        CliRun.Result r = CliRun.run("up", "--config-dir", dir.toString(), "--admin-port", "0");

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).startsWith("error: the control plane rejected the token: ");
    }

    @Test
    void upAgainstAServerWithoutAgentConfigurationsExitsWith2() throws Exception {
        com.sun.net.httpserver.HttpServer old = com.sun.net.httpserver.HttpServer.create(
                new InetSocketAddress("127.0.0.1", 0), 0);
        old.createContext("/", ex -> {
            byte[] body = ("{\"error\":\"not_found\",\"message\":\"there is no endpoint "
                    + ex.getRequestURI().getPath() + "\"}").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(404, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        old.start();
        try {
            Path other = dir.resolve("old");
            new CredentialStore(other).save(new Credentials("http://127.0.0.1:" + old.getAddress().getPort(),
                    alice.secret(), "alice", null));

            CliRun.Result r = CliRun.run("up", "--config-dir", other.toString(), "--admin-port", "0");

            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err()).startsWith("error: the control plane at http://127.0.0.1:" + old.getAddress().getPort()
                    + " does not serve agent configurations").contains("there is no endpoint /api/v1/agent/config");
        } finally {
            old.stop(0);
        }
    }

    @Test
    void httpPrintsEveryRequestAndRemovesItsTunnelOnExit() throws Exception {
        int port = web.getAddress().getPort();
        Future<Integer> exit = pool.submit(() -> cli.execute("http", String.valueOf(port),
                "--config-dir", dir.toString(), "--admin-port", "0"));

        Pattern ready = Pattern.compile("(?m)^\\[(http-" + port + "-[a-z0-9]{4})\\] tunnel ready http://([^:]+):\\d+$");
        await().atMost(Duration.ofSeconds(10)).until(() -> ready.matcher(cli.out()).find());
        Matcher m = ready.matcher(cli.out());
        assertThat(m.find()).isTrue();
        String name = m.group(1);
        assertThat(cli.out()).contains("tunnel " + name + " created: http://" + name + ".tunnel.test -> localhost:"
                + port);
        assertThat(cp.tunnelNames("alice")).containsExactly(name);

        assertThat(get(m.group(2), "/hello?x=1")).endsWith("hello /hello?x=1");
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() -> assertThat(cli.out())
                .containsPattern("(?m)^GET /hello\\?x=1 200 \\d+ ms$"));

        ((HttpCommand) cli.commandLine.getSubcommands().get("http").getCommand()).stop();
        assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(cli.out()).contains("tunnel " + name + " removed");
        assertThat(cp.tunnelNames("alice")).isEmpty();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private String get(String host, String path) throws Exception {
        try (Socket s = new Socket("127.0.0.1", node.vhostAddress().getPort())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

package dev.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.flux.client.wechat.WeChatSignature;
import dev.flux.node.GatewayNode;
import dev.flux.node.config.NodeConfigLoader;
import dev.flux.protocol.auth.Tokens;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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

/**
 * {@code fluxctl up} keeps the requests of its http tunnels for the inspector, with the limits and the WeChat mode of
 * its {@code flux.toml}, and {@code fluxctl inspect} reads them: a real node, agent and local service on 127.0.0.1.
 */
class UpInspectorTest {

    static final String TOKEN = Tokens.generate();

    @TempDir
    Path dir;

    GatewayNode node;
    HttpServer service;
    int adminPort;
    final ExecutorService pool = Executors.newSingleThreadExecutor();
    final CliRun cli = new CliRun();

    @BeforeEach
    void start() throws Exception {
        node = GatewayNode.start(NodeConfigLoader.parse("""
                bindAddr = "127.0.0.1"
                bindPort = 0
                vhostHTTPPort = 0
                subdomainHost = "tunnel.test"
                [[tokens]]
                name = "cli"
                tokenHash = "%s"
                """.formatted(Tokens.hash(TOKEN)), "node.toml", dir));
        service = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        service.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            String echostr = ex.getRequestURI().getQuery() == null ? "ok"
                    : ex.getRequestURI().getQuery().replaceAll(".*echostr=([^&]*).*", "$1");
            byte[] body = echostr.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        service.start();
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            adminPort = s.getLocalPort();
        }
    }

    @AfterEach
    void stop() throws Exception {
        ((UpCommand) cli.commandLine.getSubcommands().get("up").getCommand()).stop();
        pool.shutdown();
        assertThat(pool.awaitTermination(15, TimeUnit.SECONDS)).isTrue();
        node.close();
        service.stop(0);
    }

    @Test
    void upCapturesWithTheFileSettingsAndInspectShowsIt() throws Exception {
        Path config = Files.writeString(dir.resolve("flux.toml"), """
                serverAddr = "127.0.0.1"
                serverPort = %d
                token = "%s"
                inspect = { maxExchanges = 5, maxBodyBytes = 4 }
                [tls]
                fingerprint = "%s"
                [[tunnels]]
                name = "wx"
                type = "http"
                localPort = %d
                subdomain = "wx"
                wechat = { token = "AAAAA" }
                """.formatted(node.tunnelAddress().getPort(), TOKEN, node.fingerprint(),
                service.getAddress().getPort()));
        Future<Integer> exit = pool.submit(() -> cli.execute("up", "-c", config.toString(), "--admin-port",
                String.valueOf(adminPort)));
        await().atMost(Duration.ofSeconds(10)).until(() -> cli.out().contains("[wx] tunnel ready"));

        visit("POST /hook HTTP/1.1\r\nHost: wx.tunnel.test\r\nContent-Length: 10\r\nConnection: close\r\n\r\n"
                + "0123456789");
        String signature = WeChatSignature.sign("AAAAA", "1714036504", "1514711492");
        visit("GET /wx?signature=" + signature + "&timestamp=1714036504&nonce=1514711492&echostr=42 HTTP/1.1\r\n"
                + "Host: wx.tunnel.test\r\nConnection: close\r\n\r\n");

        CliRun.Result list = await().atMost(Duration.ofSeconds(5)).until(() -> CliRun.run("inspect", "--admin-port",
                String.valueOf(adminPort)), r -> r.out().lines().count() == 2);
        assertThat(list.out().lines().toList().get(0)).matches("1 \\S+ \\[wx\\] POST /hook 200 \\d+ ms");
        assertThat(list.out().lines().toList().get(1)).contains("[wx] GET /wx?signature=" + signature)
                .endsWith("WeChat verification, signature valid");

        CliRun.Result detail = CliRun.run("inspect", "--admin-port", String.valueOf(adminPort), "1");
        assertThat(detail.out()).contains("(text, 10 bytes, only the first 4 kept)\n0123");

        ((UpCommand) cli.commandLine.getSubcommands().get("up").getCommand()).stop();
        assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
    }

    private void visit(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", node.vhostAddress().getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).startsWith("HTTP/1.1 200");
        }
    }
}

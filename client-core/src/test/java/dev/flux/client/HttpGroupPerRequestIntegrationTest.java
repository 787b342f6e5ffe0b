package dev.flux.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flux.client.config.AgentConfigLoader;
import dev.flux.node.GatewayNode;
import dev.flux.node.config.NodeConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP load balancing per request: a keep-alive connection to a group's host sends its successive (and pipelined)
 * requests round-robin across the members, whatever the framing of the answers (Content-Length, chunked, HEAD).
 * A real node, two real agents and two raw HTTP/1.1 servers on 127.0.0.1.
 */
class HttpGroupPerRequestIntegrationTest {

    private static final String TOKEN = "flx_http-per-request-test-token-0123456789";

    @TempDir
    Path dir;

    GatewayNode node;
    final List<Agent> agents = new ArrayList<>();
    final List<ServerSocket> servers = new ArrayList<>();
    final ExecutorService pool = Executors.newCachedThreadPool();
    /** Local connections the services accepted: one per stream the node opened to an agent. */
    final AtomicInteger accepted = new AtomicInteger();

    @BeforeEach
    void setUp() throws Exception {
        node = GatewayNode.start(NodeConfigLoader.parse("""
                bindAddr = "127.0.0.1"
                bindPort = 0
                vhostHTTPPort = 0
                subdomainHost = "tunnel.test"
                publicHost = "127.0.0.1"
                [[tokens]]
                name = "it"
                token = "%s"
                """.formatted(TOKEN), "node.toml", dir));
        for (String id : List.of("one", "two")) {
            ServerSocket server = webServer(id);
            Agent a = new Agent(AgentConfigLoader.parse("""
                    serverAddr = "127.0.0.1"
                    serverPort = %d
                    token = "%s"
                    [tls]
                    fingerprint = "%s"
                    [[tunnels]]
                    name = "site"
                    type = "http"
                    localPort = %d
                    subdomain = "site"
                    group = "site"
                    groupKey = "k"
                    """.formatted(node.tunnelAddress().getPort(), TOKEN, node.fingerprint(), server.getLocalPort()),
                    "flux.toml", dir), new AgentListener() { });
            agents.add(a);
            a.start();
            await().atMost(Duration.ofSeconds(15)).until(() -> a.status().get(0).state() == TunnelState.READY);
        }
    }

    @AfterEach
    void tearDown() throws IOException {
        agents.forEach(Agent::close);
        node.close();
        for (ServerSocket s : servers) {
            s.close();
        }
        pool.shutdownNow();
    }

    @Test
    void successiveRequestsOnOneConnectionGoRoundRobinWhateverTheirFraming() throws Exception {
        try (Socket s = new Socket("127.0.0.1", node.vhostAddress().getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            List<String> bodies = new ArrayList<>();
            String[][] requests = {
                {"GET", "/", ""}, {"HEAD", "/", ""}, {"GET", "/chunked", ""}, {"POST", "/", "hello"},
                {"GET", "/", ""}, {"GET", "/", ""}};
            for (String[] r : requests) {
                out.write(request(r[0], r[1], r[2]));
                out.flush();
                Response response = Response.read(in, r[0]);
                assertThat(response.status).as("%s %s", r[0], r[1]).isEqualTo(200);
                bodies.add(response.headers.get("x-served-by") + ":" + response.body);
            }
            String first = bodies.get(0).substring(0, 3);
            String second = first.equals("one") ? "two" : "one";
            assertThat(bodies).containsExactly(first + ":" + first, second + ":", first + ":chunk-" + first + "-end",
                    second + ":" + second + ":hello", first + ":" + first, second + ":" + second);
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderByAlternatingMembers() throws Exception {
        try (Socket s = new Socket("127.0.0.1", node.vhostAddress().getPort())) {
            s.setSoTimeout(10_000);
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int i = 0; i < 4; i++) {
                all.write(request("GET", "/?n=" + i, ""));
            }
            s.getOutputStream().write(all.toByteArray());
            s.getOutputStream().flush();
            List<String> servedBy = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Response r = Response.read(s.getInputStream(), "GET");
                assertThat(r.status).isEqualTo(200);
                assertThat(r.headers.get("x-path")).isEqualTo("/?n=" + i);
                servedBy.add(r.body);
            }
            assertThat(servedBy.get(0)).isNotEqualTo(servedBy.get(1));
            assertThat(servedBy.get(0)).isEqualTo(servedBy.get(2));
            assertThat(servedBy.get(1)).isEqualTo(servedBy.get(3));
        }
    }

    @Test
    void anUpgradedConnectionStaysWithTheMemberThatAcceptedTheUpgrade() throws Exception {
        try (Socket s = new Socket("127.0.0.1", node.vhostAddress().getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(request("GET", "/", ""));
            String first = Response.read(in, "GET").body;
            out.write(("GET /ws HTTP/1.1\r\nHost: site.tunnel.test\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String status = readLine(in);
            assertThat(status).startsWith("HTTP/1.1 101");
            String upgradedBy = readHeaders(in).get("x-served-by");
            assertThat(upgradedBy).as("the upgrade goes round-robin like any request").isNotEqualTo(first);
            for (int i = 0; i < 5; i++) {
                out.write(("ping" + i + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(readLine(in)).isEqualTo(upgradedBy + ":ping" + i);
            }
        }
    }

    private static byte[] request(String method, String path, String body) {
        String head = method + " " + path + " HTTP/1.1\r\nHost: site.tunnel.test\r\n"
                + (body.isEmpty() ? "" : "Content-Length: " + body.length() + "\r\n") + "\r\n";
        return (head + body).getBytes(StandardCharsets.US_ASCII);
    }

    /** A raw HTTP/1.1 server that answers keep-alive requests with its id, framed as the path asks. */
    private ServerSocket webServer(String id) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        servers.add(server);
        pool.submit(() -> {
            while (!server.isClosed()) {
                Socket c = server.accept();
                accepted.incrementAndGet();
                pool.submit(() -> serve(c, id));
            }
            return null;
        });
        return server;
    }

    private static Void serve(Socket c, String id) throws IOException {
        try (c) {
            InputStream in = c.getInputStream();
            OutputStream out = c.getOutputStream();
            while (true) {
                String line = readLine(in);
                if (line == null || line.isEmpty()) {
                    return null;
                }
                String[] parts = line.split(" ");
                Map<String, String> headers = readHeaders(in);
                if ("websocket".equalsIgnoreCase(headers.get("upgrade"))) {
                    // raw bytes from now on: echo each line, marked with the member's id
                    out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "X-Served-By: " + id + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    for (String l; (l = readLine(in)) != null; ) {
                        out.write((id + ":" + l + "\n").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                    return null;
                }
                int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
                String body = new String(in.readNBytes(length), StandardCharsets.US_ASCII);
                String common = "HTTP/1.1 200 OK\r\nX-Served-By: " + id + "\r\nX-Path: " + parts[1] + "\r\n";
                String answer;
                if (parts[1].equals("/chunked")) {
                    String a = "chunk-" + id;
                    answer = common + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(a.length()) + "\r\n"
                            + a + "\r\n4\r\n-end\r\n0\r\n\r\n";
                } else {
                    String content = parts[0].equals("POST") ? id + ":" + body : id;
                    answer = common + "Content-Length: " + content.length() + "\r\n\r\n"
                            + (parts[0].equals("HEAD") ? "" : content);
                }
                out.write(answer.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                String s = line.toString(StandardCharsets.US_ASCII);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.US_ASCII);
    }

    private static Map<String, String> readHeaders(InputStream in) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h; (h = readLine(in)) != null && !h.isEmpty(); ) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        return headers;
    }

    /** A response read off a keep-alive connection by its framing. */
    private record Response(int status, Map<String, String> headers, String body) {
        static Response read(InputStream in, String method) throws IOException {
            String status = readLine(in);
            assertThat(status).as("a status line").isNotNull().startsWith("HTTP/1.1 ");
            Map<String, String> headers = readHeaders(in);
            String body;
            if (method.equals("HEAD")) {
                body = "";
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                StringBuilder b = new StringBuilder();
                for (int n; (n = Integer.parseInt(readLine(in), 16)) > 0; ) {
                    b.append(new String(in.readNBytes(n), StandardCharsets.US_ASCII));
                    readLine(in);
                }
                readLine(in);
                body = b.toString();
            } else {
                body = new String(in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0"))),
                        StandardCharsets.US_ASCII);
            }
            return new Response(Integer.parseInt(status.split(" ")[1]), headers, body);
        }
    }
}

package dev.flux.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flux.client.config.AgentConfigLoader;
import dev.flux.node.GatewayNode;
import dev.flux.node.config.NodeConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    final List<RawHttp.Member> members = new ArrayList<>();

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
            RawHttp.Member server = new RawHttp.Member(id);
            members.add(server);
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
                    """.formatted(node.tunnelAddress().getPort(), TOKEN, node.fingerprint(), server.port()),
                    "flux.toml", dir), new AgentListener() { });
            agents.add(a);
            a.start();
            await().atMost(Duration.ofSeconds(15)).until(() -> a.status().get(0).state() == TunnelState.READY);
        }
    }

    @AfterEach
    void tearDown() throws Exception {
        agents.forEach(Agent::close);
        node.close();
        for (RawHttp.Member m : members) {
            m.close();
        }
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
                RawHttp.Response response = RawHttp.Response.read(in, r[0]);
                assertThat(response.status()).as("%s %s", r[0], r[1]).isEqualTo(200);
                bodies.add(response.headers().get("x-served-by") + ":" + response.body());
            }
            String first = bodies.get(0).substring(0, 3);
            String second = first.equals("one") ? "two" : "one";
            assertThat(bodies).containsExactly(first + ":" + first, second + ":", first + ":chunk-" + first + "-end",
                    second + ":" + second + ":hello", first + ":" + first, second + ":" + second);
            // going back to a member reuses its stream: each local service saw one connection for all six requests
            assertThat(members).allSatisfy(m -> assertThat(m.accepted.get()).as("connections to %s", m.id)
                    .isEqualTo(1));
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
                RawHttp.Response r = RawHttp.Response.read(s.getInputStream(), "GET");
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.headers().get("x-path")).isEqualTo("/?n=" + i);
                servedBy.add(r.body());
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
            String first = RawHttp.Response.read(in, "GET").body();
            out.write(("GET /ws HTTP/1.1\r\nHost: site.tunnel.test\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String status = RawHttp.readLine(in);
            assertThat(status).startsWith("HTTP/1.1 101");
            String upgradedBy = RawHttp.readHeaders(in).get("x-served-by");
            assertThat(upgradedBy).as("the upgrade goes round-robin like any request").isNotEqualTo(first);
            for (int i = 0; i < 5; i++) {
                out.write(("ping" + i + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(RawHttp.readLine(in)).isEqualTo(upgradedBy + ":ping" + i);
            }
        }
    }

    private static byte[] request(String method, String path, String body) {
        return RawHttp.request(method, "site.tunnel.test", path, body);
    }
}

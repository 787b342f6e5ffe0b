package dev.flux.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flux.client.config.AgentConfigLoader;
import dev.flux.node.GatewayNode;
import dev.flux.node.config.NodeConfigLoader;
import dev.flux.node.tunnel.Tunnel;
import dev.flux.protocol.stream.TrafficCounter;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A keep-alive connection that per-request balancing moves to another member of an HTTP group becomes that member's
 * connection: the member's bandwidth limit shapes it (not the first member's), and it counts against the member's
 * connection limit and traffic. Member "a" has no limits; member "b" allows one connection at 32 KiB/s. A real node,
 * two real agents and two raw HTTP/1.1 servers on 127.0.0.1.
 */
class HttpGroupMemberLimitsIntegrationTest {

    private static final String TOKEN = "flx_http-member-limits-test-token-0123456789";
    private static final String HOST = "site.tunnel.test";
    /** Member b's limit, bytes per second. */
    private static final int B_LIMIT = 32 * 1024;

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
        // a first: it founds the group and takes the first request
        member("a", "");
        member("b", "bandwidthLimit = \"32KB\"\nmaxConnections = 1\n");
    }

    private void member(String id, String policy) throws Exception {
        RawHttp.Member server = new RawHttp.Member(id);
        members.add(server);
        Agent a = new Agent(AgentConfigLoader.parse("""
                serverAddr = "127.0.0.1"
                serverPort = %d
                token = "%s"
                [tls]
                fingerprint = "%s"
                [[tunnels]]
                name = "%s"
                type = "http"
                localPort = %d
                subdomain = "site"
                group = "site"
                groupKey = "k"
                """.formatted(node.tunnelAddress().getPort(), TOKEN, node.fingerprint(), id, server.port()) + policy,
                "flux.toml", dir), new AgentListener() { });
        agents.add(a);
        a.start();
        await().atMost(Duration.ofSeconds(15)).until(() -> a.status().get(0).state() == TunnelState.READY);
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
    void aMovedConnectionTakesOnTheLimitsAndCountersOfTheMemberServingIt() throws Exception {
        members.get(0).bigBody = 1024 * 1024;
        members.get(1).bigBody = 128 * 1024;
        try (Socket s = new Socket("127.0.0.1", node.vhostAddress().getPort())) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();

            assertThat(get(out, in, "/").servedBy()).isEqualTo("a");

            // moved to b: b's 32 KiB/s shapes the answer. 128 KiB take about 4 s at that rate; a limiter may let a
            // second's budget through at once, so 1 s is a bound no correct limit can beat (a's none: milliseconds)
            long start = System.nanoTime();
            RawHttp.Response fromB = get(out, in, "/big");
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(fromB.servedBy()).isEqualTo("b");
            assertThat(fromB.body()).hasSize(128 * 1024);
            assertThat(tookMillis).as("128 KiB through b's %d B/s limit", B_LIMIT).isGreaterThanOrEqualTo(1_000);

            // the connection is b's now: b is at its limit of one, so another visitor's requests all go to a
            await().atMost(Duration.ofSeconds(5)).until(() -> counter("b").openConnections() == 1
                    && counter("a").openConnections() == 0);
            try (Socket other = new Socket("127.0.0.1", node.vhostAddress().getPort())) {
                other.setSoTimeout(10_000);
                for (int i = 0; i < 3; i++) {
                    assertThat(get(other.getOutputStream(), other.getInputStream(), "/").servedBy())
                            .as("request %d of a second connection while b is full", i).isEqualTo("a");
                }
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> counter("a").openConnections() == 0);

            // back to a, and b's limit is gone with b: 1 MiB would take 32 s at b's rate
            start = System.nanoTime();
            RawHttp.Response fromA = get(out, in, "/big");
            tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(fromA.servedBy()).isEqualTo("a");
            assertThat(fromA.body()).hasSize(1024 * 1024);
            assertThat(tookMillis).as("1 MiB from a, which has no limit").isLessThan(16_000);
            await().atMost(Duration.ofSeconds(5)).until(() -> counter("a").openConnections() == 1
                    && counter("b").openConnections() == 0);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> counter("a").openConnections() == 0
                && counter("b").openConnections() == 0);
        // each member's traffic is what it served: a four one-byte answers and 1 MiB, b 128 KiB
        assertThat(counter("a").bytesOut()).isGreaterThan(1024 * 1024).isLessThan(1024 * 1024 + 64 * 1024);
        assertThat(counter("b").bytesOut()).isGreaterThan(128 * 1024).isLessThan(128 * 1024 + 8 * 1024);
        // a: the first connection twice (before and after b) and the second one; b: the first connection once
        assertThat(counter("a").totalConnections()).isEqualTo(3);
        assertThat(counter("b").totalConnections()).isEqualTo(1);
    }

    private static RawHttp.Response get(OutputStream out, InputStream in, String path) throws Exception {
        out.write(RawHttp.request("GET", HOST, path, ""));
        out.flush();
        RawHttp.Response r = RawHttp.Response.read(in, "GET");
        assertThat(r.status()).as("GET %s", path).isEqualTo(200);
        return r;
    }

    private TrafficCounter counter(String member) {
        return node.registry().tunnels().stream().filter(t -> t.name().equals(member)).findFirst()
                .map(Tunnel::counter).orElseThrow();
    }
}

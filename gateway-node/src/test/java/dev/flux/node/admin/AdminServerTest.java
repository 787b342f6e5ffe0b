package dev.flux.node.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.node.tunnel.TunnelRegistry;
import dev.flux.protocol.net.Transports;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin listener over a real socket while its node is not serving (starting or stopping): probes must see 503,
 * and metrics still answer. (A whole node passes through that state too briefly to catch; AdminEndpointTest covers
 * the running node.)
 */
class AdminServerTest {

    private EventLoopGroup group;
    private ChannelGroup channels;
    private AdminServer server;
    private volatile boolean serving;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        group = Transports.newGroup(1, "test-admin");
        channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        TunnelRegistry registry = new TunnelRegistry();
        Instant started = Instant.now().minusSeconds(90);
        server = new AdminServer(new NodeStatus() {
            @Override
            public boolean serving() {
                return serving;
            }

            @Override
            public String notReadyReason() {
                return serving ? null : "the node is starting or stopping";
            }

            @Override
            public TunnelRegistry registry() {
                return registry;
            }

            @Override
            public Instant started() {
                return started;
            }
        }, group, group, channels);
    }

    @AfterEach
    void stop() {
        server.stop();
        channels.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void probesSee503UntilTheNodeServes() throws Exception {
        InetSocketAddress address = server.start("127.0.0.1", 0);

        assertThat(get(address, "/healthz")).isEqualTo("503 starting or stopping\n");
        assertThat(get(address, "/readyz")).isEqualTo("503 not ready: the node is starting or stopping\n");
        assertThat(get(address, "/metrics")).contains("\nflux_node_ready 0\n", "\nflux_agents_connected 0\n")
                .containsPattern("\nflux_node_uptime_seconds 9[0-9]\\.[0-9]+\n");

        serving = true;
        assertThat(get(address, "/healthz")).isEqualTo("200 ok\n");
        assertThat(get(address, "/readyz")).isEqualTo("200 ready\n");

        serving = false;
        assertThat(get(address, "/healthz")).isEqualTo("503 starting or stopping\n");
    }

    @Test
    void labelValuesAreEscaped() {
        assertThat(NodeMetrics.label("a\"b\\c\nd")).isEqualTo("a\\\"b\\\\c\\nd");
    }

    private String get(InetSocketAddress address, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort()
                + path)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }
}

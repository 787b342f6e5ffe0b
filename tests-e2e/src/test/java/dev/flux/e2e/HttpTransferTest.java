package dev.flux.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.e2e.client.RawHttpClient;
import dev.flux.e2e.client.RawHttpRequest;
import dev.flux.e2e.client.RawHttpRequest.Framing;
import dev.flux.e2e.client.RawHttpResponse;
import dev.flux.e2e.framework.BodyDigest;
import dev.flux.e2e.framework.FluxProcesses;
import dev.flux.e2e.framework.NodeProcess;
import dev.flux.e2e.framework.RandomBytes;
import dev.flux.e2e.service.HttpTestServer;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bodies of every size through an HTTP tunnel, both ways, checked by SHA-256. Nothing may hold a whole body: the
 * local service and this client stream it, and the node and the agent have less memory than the largest one.
 */
class HttpTransferTest {

    @RegisterExtension
    static final FluxProcesses flux = new FluxProcesses();

    @TempDir
    static Path dir;

    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;
    private static final String HOST = "web." + NodeProcess.SUBDOMAIN_HOST;

    private static HttpTestServer web;
    private static RawHttpClient http;

    @BeforeAll
    static void startHttpTunnel() throws Exception {
        web = HttpTestServer.start("web");
        NodeProcess node = flux.startNode(dir);
        URI url = flux.startAgent(dir, node, """
                [[tunnels]]
                name = "web"
                type = "http"
                localPort = {{ webPort }}
                subdomain = "web"
                """, Map.of("webPort", web.port())).awaitTunnelReady("web");
        assertThat(url).hasToString("http://" + HOST + ":" + node.vhostPort());
        http = new RawHttpClient(node.vhostPort());
    }

    @AfterAll
    static void stopWeb() {
        if (web != null) {
            web.close();
        }
    }

    static Stream<Arguments> downloads() {
        return Stream.of(
                Arguments.of(0L, "length"),
                Arguments.of(1L, "length"),
                Arguments.of(64 * KIB, "length"),
                Arguments.of(MIB, "length"),
                Arguments.of(10 * MIB, "length"),
                Arguments.of(100 * MIB, "length"),
                Arguments.of(0L, "chunked"),
                Arguments.of(MIB, "chunked"),
                Arguments.of(100 * MIB, "chunked"));
    }

    @ParameterizedTest(name = "GET {0} bytes, response framed by {1}")
    @MethodSource
    void downloads(long size, String framing) throws Exception {
        long seed = size + 1;
        try (RawHttpResponse response = http.send(
                RawHttpRequest.get(HOST, "/download?size=" + size + "&seed=" + seed + "&framing=" + framing))) {
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyDigest()).isEqualTo(RandomBytes.digest(seed, size));
        }
    }

    static Stream<Arguments> uploads() {
        return Stream.of(
                Arguments.of(0L, Framing.CONTENT_LENGTH),
                Arguments.of(1L, Framing.CONTENT_LENGTH),
                Arguments.of(64 * KIB, Framing.CONTENT_LENGTH),
                Arguments.of(MIB, Framing.CONTENT_LENGTH),
                Arguments.of(10 * MIB, Framing.CONTENT_LENGTH),
                Arguments.of(100 * MIB, Framing.CONTENT_LENGTH),
                Arguments.of(0L, Framing.CHUNKED),
                Arguments.of(1L, Framing.CHUNKED),
                Arguments.of(MIB, Framing.CHUNKED),
                Arguments.of(100 * MIB, Framing.CHUNKED));
    }

    @ParameterizedTest(name = "POST {0} bytes, {1}")
    @MethodSource
    void uploads(long size, Framing framing) throws Exception {
        long seed = -size - 1;
        BodyDigest expected = RandomBytes.digest(seed, size);
        try (RawHttpResponse response = http.send(
                RawHttpRequest.post(HOST, "/upload", new RandomBytes(seed, size), size, framing))) {
            assertThat(response.status()).isEqualTo(200);
            Map<String, String> received = response.bodyProperties();
            assertThat(new BodyDigest(Long.parseLong(received.get("length")), received.get("sha256")))
                    .isEqualTo(expected);
            assertThat(received.get("framing")).isEqualTo(framing == Framing.CHUNKED ? "chunked" : "length");
        }
    }
}

package dev.flux.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.e2e.client.RawHttpClient;
import dev.flux.e2e.client.RawHttpRequest;
import dev.flux.e2e.client.RawHttpResponse;
import dev.flux.e2e.client.WebSocketTestClient;
import dev.flux.e2e.client.WebSocketTestClient.Message;
import dev.flux.e2e.framework.AgentProcess;
import dev.flux.e2e.framework.FluxProcesses;
import dev.flux.e2e.framework.NodeProcess;
import dev.flux.e2e.framework.RandomBytes;
import dev.flux.e2e.service.HttpTestServer;
import dev.flux.e2e.service.WebSocketEchoServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Long-lived HTTP connections through a tunnel: a WebSocket upgrade, and Server-Sent Events that must not wait. */
class StreamingProtocolsTest {

    @RegisterExtension
    static final FluxProcesses flux = new FluxProcesses();

    @TempDir
    static Path dir;

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private static WebSocketEchoServer wsEcho;
    private static HttpTestServer events;
    private static URI wsUrl;
    private static int vhostPort;

    @BeforeAll
    static void startTunnels() throws Exception {
        wsEcho = WebSocketEchoServer.start();
        events = HttpTestServer.start("events");
        NodeProcess node = flux.startNode(dir);
        AgentProcess agent = flux.startAgent(dir, node, """
                [[tunnels]]
                name = "ws"
                type = "http"
                localPort = {{ wsPort }}
                subdomain = "ws"

                [[tunnels]]
                name = "events"
                type = "http"
                localPort = {{ eventsPort }}
                subdomain = "events"
                """, Map.of("wsPort", wsEcho.port(), "eventsPort", events.port()));
        URI ws = agent.awaitTunnelReady("ws");
        agent.awaitTunnelReady("events");
        wsUrl = URI.create("ws://" + ws.getAuthority() + WebSocketEchoServer.PATH);
        vhostPort = node.vhostPort();
    }

    @AfterAll
    static void stopServices() {
        if (wsEcho != null) {
            wsEcho.close();
        }
        if (events != null) {
            events.close();
        }
    }

    static Stream<Arguments> webSocketMessages() {
        return Stream.of(
                message("text", "hello, tunnel".getBytes(StandardCharsets.UTF_8)),
                message("text", "grüße 🌍 ".repeat(8000).getBytes(StandardCharsets.UTF_8)),
                message("binary", RandomBytes.bytes(1, 1)),
                message("binary", RandomBytes.bytes(2, 1024 * 1024)));
    }

    private static Arguments message(String kind, byte[] payload) {
        return Arguments.of(kind, payload.length, payload);
    }

    @ParameterizedTest(name = "{0} message of {1} bytes")
    @MethodSource("webSocketMessages")
    void webSocketEchoesMessages(String kind, int size, byte[] payload) throws Exception {
        try (WebSocketTestClient ws = WebSocketTestClient.connect(vhostPort, wsUrl, TIMEOUT)) {
            boolean text = kind.equals("text");
            for (int round = 0; round < 3; round++) { // several messages on one upgraded connection
                if (text) {
                    ws.sendText(new String(payload, StandardCharsets.UTF_8));
                } else {
                    ws.sendBinary(payload);
                }
                Message echoed = ws.receive(TIMEOUT);
                assertThat(echoed.text()).as("text frame").isEqualTo(text);
                assertThat(echoed.payload()).as("payload of round %d", round).isEqualTo(payload);
            }
        }
    }

    @Test
    void serverSentEventsArriveWithoutBuffering() throws Exception {
        String id = "sse-" + System.nanoTime();
        try (RawHttpResponse response = new RawHttpClient(vhostPort).send(
                RawHttpRequest.get("events." + NodeProcess.SUBDOMAIN_HOST, "/sse?id=" + id)
                        .header("Accept", "text/event-stream"))) {
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("Content-Type")).startsWith("text/event-stream");
            BufferedReader stream = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));

            assertThat(stream.readLine()).isEqualTo("data: first");
            long firstReceivedAt = System.nanoTime();
            assertThat(stream.readLine()).isEmpty();
            assertThat(stream.readLine()).isEqualTo("data: second");

            Long secondSentAt = events.secondEventSentAt(id);
            assertThat(secondSentAt).as("the service sent the second event").isNotNull();
            assertThat(firstReceivedAt)
                    .as("the first event reached the client %d ms after the second was sent: it waited in a buffer",
                            TimeUnit.NANOSECONDS.toMillis(firstReceivedAt - secondSentAt))
                    .isLessThan(secondSentAt);
        }
    }
}

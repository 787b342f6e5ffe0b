package dev.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.flux.client.HttpHeader;
import dev.flux.client.HttpMessageCapture;
import dev.flux.client.admin.LocalAdminServer;
import dev.flux.client.inspect.InspectSettings;
import dev.flux.client.inspect.RequestCapture;
import dev.flux.client.inspect.RequestInspector;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code fluxctl inspect} against a real local admin API with captured exchanges. */
class InspectCommandTest {

    LocalAdminServer admin;
    RequestCapture capture = new RequestCapture(new InspectSettings(10, 1024), null);

    @BeforeEach
    void start() throws Exception {
        admin = LocalAdminServer.start(0, List::of, null, new RequestInspector(capture, name -> Optional.empty()));
        capture.add("web", "POST", "/items?page=2", 201, 12, Instant.parse("2026-11-24T10:00:00Z"),
                new HttpMessageCapture(List.of(new HttpHeader("Content-Type", "application/json")),
                        "{\"a\":1}".getBytes(StandardCharsets.UTF_8), 7, false),
                new HttpMessageCapture(List.of(new HttpHeader("Content-Length", "2")),
                        "ok".getBytes(StandardCharsets.UTF_8), 2, false), null);
        capture.add("api", "GET", "/health", 0, 3, Instant.parse("2026-11-24T10:00:01Z"),
                new HttpMessageCapture(List.of(), new byte[0], 0, false), null, null);
    }

    @AfterEach
    void stop() {
        admin.close();
    }

    @Test
    void listsTheCapturedRequestsOneALine() {
        CliRun.Result r = CliRun.run("inspect", "--admin-port", "" + admin.port());
        assertThat(r.exitCode()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).matches("1 \\d\\d:\\d\\d:00 \\[web\\] POST /items\\?page=2 201 12 ms");
        assertThat(lines.get(1)).matches("2 \\d\\d:\\d\\d:01 \\[api\\] GET /health - 3 ms");

        CliRun.Result one = CliRun.run("inspect", "--admin-port", "" + admin.port(), "--tunnel", "api");
        assertThat(one.out().lines()).singleElement().asString().contains("[api] GET /health");
    }

    @Test
    void jsonOutputAndOneRequestInFull() throws Exception {
        CliRun.Result r = CliRun.run("inspect", "--admin-port", "" + admin.port(), "-o", "json");
        JsonNode list = JsonMapper.builder().build().readTree(r.out());
        assertThat(list).hasSize(2);
        assertThat(list.get(0).get("path").asText()).isEqualTo("/items");
        assertThat(list.get(0).get("query").asText()).isEqualTo("page=2");
        assertThat(list.get(0).get("requestBytes").asInt()).isEqualTo(7);

        CliRun.Result detail = CliRun.run("inspect", "--admin-port", "" + admin.port(), "1");
        assertThat(detail.exitCode()).isZero();
        assertThat(detail.out()).contains("Request\nContent-Type: application/json\n\n(json, 7 bytes)\n{\n  \"a\" : 1\n}")
                .contains("Response\nContent-Length: 2\n\n(text, 2 bytes)\nok");
    }

    @Test
    void followPrintsNewRequestsAsTheyCome() throws Exception {
        CliRun cli = new CliRun();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Future<Integer> exit = pool.submit(() -> cli.execute("inspect", "--follow",
                    "--tunnel", "web", "-o", "json", "--admin-port", "" + admin.port()));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                    .until(() -> cli.out().lines().count() == 1);
            capture.add("web", "DELETE", "/items/1", 204, 5, Instant.now(),
                    new HttpMessageCapture(List.of(), new byte[0], 0, false), null, null);
            capture.add("api", "GET", "/other-tunnel", 200, 1, Instant.now(),
                    new HttpMessageCapture(List.of(), new byte[0], 0, false), null, null);
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                    .until(() -> cli.out().lines().count() == 2);
            List<String> lines = cli.out().lines().toList();
            assertThat(lines.get(0)).startsWith("{\"id\":1,\"tunnel\":\"web\"");
            assertThat(lines.get(1)).startsWith("{\"id\":3,\"tunnel\":\"web\",").contains("\"method\":\"DELETE\"");
            exit.cancel(true);
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
        assertThat(cli.out()).doesNotContain("other-tunnel");
    }

    @Test
    void failuresSayWhatToDo() throws Exception {
        CliRun.Result missing = CliRun.run("inspect", "--admin-port", "" + admin.port(), "99");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("no captured request 99");

        CliRun.Result noTunnel = CliRun.run("inspect", "--admin-port", "" + admin.port(), "1", "--replay");
        assertThat(noTunnel.exitCode()).isEqualTo(1);
        assertThat(noTunnel.err()).contains("tunnel 'web' is no longer served by this agent");

        int free;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = s.getLocalPort();
        }
        CliRun.Result none = CliRun.run("inspect", "--admin-port", "" + free);
        assertThat(none.exitCode()).isEqualTo(1);
        assertThat(none.err()).contains("no agent is running on this machine (nothing answers on 127.0.0.1:"
                + free + "): start one with `fluxctl up`");
    }
}

package dev.flux.client.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The local admin API on a real socket, spoken to byte by byte so that any Host and Origin can be sent. */
class LocalAdminServerTest {

    final AtomicInteger syncs = new AtomicInteger();
    LocalAdminServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void statusListsTheTunnelsAndSyncAsksForARead() throws Exception {
        server = start(() -> syncs.incrementAndGet());

        String status = call("GET /api/status HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\n");
        assertThat(status).startsWith("HTTP/1.1 200").contains("application/json")
                .contains("{\"tunnels\":[{\"name\":\"web\",\"type\":\"http\",\"state\":\"ready\","
                        + "\"publicUrl\":\"http://web.tunnel.test\",\"localTarget\":\"localhost:8080\"},"
                        + "{\"name\":\"ssh\",\"type\":\"tcp\",\"state\":\"rejected\",\"publicUrl\":null,"
                        + "\"localTarget\":\"localhost:22\",\"error\":\"port 1 is not allowed\"}]}");

        String sync = call("POST /api/sync HTTP/1.1\r\nHost: localhost:" + server.port()
                + "\r\nOrigin: http://localhost:3000\r\nContent-Length: 0\r\n");
        assertThat(sync).startsWith("HTTP/1.1 204");
        assertThat(syncs).hasValue(1);
    }

    @Test
    void aForeignOriginOrHostIsRefused() throws Exception {
        server = start(() -> syncs.incrementAndGet());

        String fromPage = call("POST /api/sync HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
                + "\r\nOrigin: https://evil.example\r\nContent-Length: 0\r\n");
        assertThat(fromPage).startsWith("HTTP/1.1 403").contains("\"error\":\"forbidden_origin\"")
                .contains("https://evil.example");

        String rebound = call("GET /api/status HTTP/1.1\r\nHost: evil.example:" + server.port() + "\r\n");
        assertThat(rebound).startsWith("HTTP/1.1 403").contains("\"error\":\"forbidden_host\"")
                .doesNotContain("tunnels");

        String nullOrigin = call("POST /api/sync HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: null\r\n"
                + "Content-Length: 0\r\n");
        assertThat(nullOrigin).startsWith("HTTP/1.1 403");
        assertThat(syncs).hasValue(0);
    }

    @Test
    void aFileModeAgentHasNothingToSyncAndUnknownPathsSaySo() throws Exception {
        server = start(null);

        assertThat(call("POST /api/sync HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n"))
                .startsWith("HTTP/1.1 409").contains("not_managed");
        assertThat(call("GET /api/nope HTTP/1.1\r\nHost: 127.0.0.1\r\n")).startsWith("HTTP/1.1 404");
        assertThat(call("GET /api/sync HTTP/1.1\r\nHost: 127.0.0.1\r\n")).startsWith("HTTP/1.1 405");
    }

    @Test
    void aTakenPortMeansNoServerAndNoFailure() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(LocalAdminServer.start(taken.getLocalPort(), List::of, null)).isNull();
        }
    }

    @Test
    void loopbackNames() {
        assertThat(LocalAdminServer.isLoopbackHost("127.0.0.1:4040")).isTrue();
        assertThat(LocalAdminServer.isLoopbackHost("localhost")).isTrue();
        assertThat(LocalAdminServer.isLoopbackHost("[::1]:4040")).isTrue();
        assertThat(LocalAdminServer.isLoopbackHost("localhost.evil.example")).isFalse();
        assertThat(LocalAdminServer.isLoopbackHost("127.0.0.1.nip.io")).isFalse();
        assertThat(LocalAdminServer.isLoopbackOrigin("http://127.0.0.1:4040")).isTrue();
        assertThat(LocalAdminServer.isLoopbackOrigin("file://")).isFalse();
    }

    private LocalAdminServer start(Runnable sync) throws Exception {
        return LocalAdminServer.start(0, () -> List.of(
                new AdminTunnel("web", "http", "ready", "http://web.tunnel.test", "localhost:8080", null),
                new AdminTunnel("ssh", "tcp", "rejected", null, "localhost:22", "port 1 is not allowed")), sync);
    }

    private String call(String head) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write((head + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}

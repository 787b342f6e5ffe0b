package dev.flux.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.flux.client.config.HealthCheckConfig;
import dev.flux.protocol.net.Transports;
import io.netty.channel.EventLoopGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Health checks against real local services on 127.0.0.1. */
class HealthCheckerTest {

    final EventLoopGroup group = Transports.newGroup(1, "health-test");
    final BlockingQueue<String> changes = new ArrayBlockingQueue<>(16);
    HealthChecker checker;

    @AfterEach
    void stop() {
        if (checker != null) {
            checker.stop();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    HealthChecker checker(String type, int port, String path) {
        checker = new HealthChecker("svc", "127.0.0.1", port, new HealthCheckConfig(type, path, 204,
                Duration.ofMillis(100), Duration.ofMillis(100), 2), group.next(),
                (healthy, reason) -> changes.add(healthy + " " + reason));
        checker.start();
        return checker;
    }

    @Test
    void httpCheckFlipsOnTheStatusAndBack() throws Exception {
        AtomicInteger status = new AtomicInteger(204);
        HttpServer web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        web.createContext("/healthz", ex -> {
            ex.sendResponseHeaders(status.get(), -1);
            ex.close();
        });
        web.start();
        try {
            checker("http", web.getAddress().getPort(), "/healthz");
            assertThat(changes.poll(500, TimeUnit.MILLISECONDS)).isNull();
            status.set(500);
            assertThat(changes.poll(5, TimeUnit.SECONDS))
                    .isEqualTo("false health check failed 2 times in a row: GET /healthz answered 500, expected 204");
            status.set(204);
            assertThat(changes.poll(5, TimeUnit.SECONDS)).isEqualTo("true null");
        } finally {
            web.stop(0);
        }
    }

    @Test
    void tcpCheckNamesTheRefusedService() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        checker("tcp", port, "/");
        assertThat(changes.poll(5, TimeUnit.SECONDS)).isEqualTo("false health check failed 2 times in a row: the "
                + "local service at 127.0.0.1:" + port + " refused the connection");
    }

    @Test
    void aServiceThatDoesNotSpeakHttpIsUnhealthy() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                while (!s.isClosed()) {
                    try (var c = s.accept()) {
                        c.getOutputStream().write("SSH-2.0-OpenSSH\r\n".getBytes());
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            checker("http", s.getLocalPort(), "/");
            assertThat(changes.poll(5, TimeUnit.SECONDS)).isEqualTo("false health check failed 2 times in a row: "
                    + "the local service did not answer HTTP (got 'SSH-2.0-OpenSSH')");
        }
    }
}

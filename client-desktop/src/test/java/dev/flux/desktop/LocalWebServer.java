package dev.flux.desktop;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The user's local web service in the screen test: answers 200 to everything and counts the requests per path. */
final class LocalWebServer implements AutoCloseable {

    private final HttpServer server;
    private final ConcurrentHashMap<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    private LocalWebServer(HttpServer server) {
        this.server = server;
    }

    static LocalWebServer start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        LocalWebServer web = new LocalWebServer(server);
        server.createContext("/", exchange -> {
            web.counts.computeIfAbsent(exchange.getRequestURI().getPath(), p -> new AtomicInteger())
                    .incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            byte[] body = ("{\"path\":\"" + exchange.getRequestURI().getPath() + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return web;
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** How many requests for {@code path} reached this server. */
    int requests(String path) {
        AtomicInteger n = counts.get(path);
        return n == null ? 0 : n.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

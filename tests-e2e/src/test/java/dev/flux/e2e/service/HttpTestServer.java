package dev.flux.e2e.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.flux.e2e.framework.BodyDigest;
import dev.flux.e2e.framework.RandomBytes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A local HTTP/1.1 service (the JDK's server) on 127.0.0.1 that streams every body, answering in {@code key=value}
 * lines where it answers with text:
 *
 * <ul>
 *   <li>{@code GET /info}: {@code server=NAME}, {@code method}, {@code path} and every request header by its
 *       lower-case name, so a test sees which service answered and what the node forwarded;</li>
 *   <li>{@code GET /download?size=N&seed=S[&framing=chunked]}: {@code new RandomBytes(S, N)}, with a
 *       Content-Length or chunked;</li>
 *   <li>{@code POST /upload}: {@code length}, {@code sha256} and {@code framing} ({@code chunked} or
 *       {@code length}) of the request body;</li>
 *   <li>{@code GET /sse?id=X}: two Server-Sent Events, {@code first} and, {@value #SSE_PAUSE_MILLIS} ms later,
 *       {@code second}; {@link #secondEventSentAt(String)} says when the second one was written.</li>
 * </ul>
 */
public final class HttpTestServer implements AutoCloseable {

    public static final long SSE_PAUSE_MILLIS = 300;

    static {
        // The JDK server leaves Nagle on by default; a small event must leave at once, not when the ACK comes.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final String name;
    private final HttpServer server;
    private final ExecutorService threads;
    private final Map<String, Long> secondEventSentAt = new ConcurrentHashMap<>();

    private HttpTestServer(String name, HttpServer server, ExecutorService threads) {
        this.name = name;
        this.server = server;
        this.threads = threads;
    }

    /** Starts a service that calls itself {@code name} in {@code /info}. */
    public static HttpTestServer start(String name) throws IOException {
        return start(name, 0);
    }

    /** Starts a service that calls itself {@code name} on a given port of 127.0.0.1 (0: a free one). */
    public static HttpTestServer start(String name, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        ExecutorService threads = Executors.newCachedThreadPool(DaemonThreads.named("http-" + name));
        server.setExecutor(threads);
        HttpTestServer s = new HttpTestServer(name, server, threads);
        server.createContext("/info", s::info);
        server.createContext("/download", s::download);
        server.createContext("/upload", s::upload);
        server.createContext("/sse", s::sse);
        server.start();
        return s;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@link System#nanoTime()} just before the second event of {@code /sse?id=X} was written, or null. */
    public Long secondEventSentAt(String id) {
        return secondEventSentAt.get(id);
    }

    private void info(HttpExchange exchange) throws IOException {
        Map<String, String> props = new TreeMap<>();
        exchange.getRequestHeaders().forEach((header, values) ->
                props.put(header.toLowerCase(Locale.ROOT), String.join(", ", values)));
        StringBuilder body = new StringBuilder()
                .append("server=").append(name).append('\n')
                .append("method=").append(exchange.getRequestMethod()).append('\n')
                .append("path=").append(exchange.getRequestURI()).append('\n');
        props.forEach((k, v) -> body.append(k).append('=').append(v).append('\n'));
        exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
        sendText(exchange, body.toString());
    }

    private void download(HttpExchange exchange) throws IOException {
        Map<String, String> query = query(exchange);
        long size = Long.parseLong(query.get("size"));
        long seed = Long.parseLong(query.getOrDefault("seed", "0"));
        boolean chunked = "chunked".equals(query.get("framing"));
        exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
        // the JDK server's encoding of the length: 0 means chunked, -1 means no body
        exchange.sendResponseHeaders(200, chunked ? 0 : size == 0 ? -1 : size);
        try (OutputStream out = exchange.getResponseBody()) {
            new RandomBytes(seed, size).transferTo(out);
        }
    }

    private void upload(HttpExchange exchange) throws IOException {
        String framing = exchange.getRequestHeaders().containsKey("Transfer-Encoding") ? "chunked" : "length";
        BodyDigest digest;
        try (InputStream in = exchange.getRequestBody()) {
            digest = BodyDigest.of(in);
        }
        sendText(exchange, "length=" + digest.length() + "\nsha256=" + digest.sha256() + "\nframing=" + framing + "\n");
    }

    private void sse(HttpExchange exchange) throws IOException {
        String id = query(exchange).getOrDefault("id", "");
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write("data: first\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            Thread.sleep(SSE_PAUSE_MILLIS);
            secondEventSentAt.put(id, System.nanoTime());
            out.write("data: second\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sendText(HttpExchange exchange, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> out = new HashMap<>();
        String q = exchange.getRequestURI().getRawQuery();
        if (q != null) {
            for (String pair : q.split("&")) {
                List<String> kv = List.of(pair.split("=", 2));
                out.put(kv.get(0), kv.size() > 1 ? kv.get(1) : "");
            }
        }
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}

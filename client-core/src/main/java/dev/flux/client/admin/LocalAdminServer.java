package dev.flux.client.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import dev.flux.client.inspect.RequestInspector;
import dev.flux.protocol.auth.Tokens;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's local admin API on 127.0.0.1, through which {@code fluxctl} (and the desktop app) drive a running
 * agent:
 * <pre>
 * GET  /api/status → {"tunnels":[{"name","type","state","publicUrl","localTarget","error"?}]}
 * POST /api/sync   → 204; the agent reads the control plane now
 * </pre>
 * and, given a {@link RequestInspector}, the request inspector's API and page (see there).
 * It listens on the loopback address only, and refuses (403) a request whose {@code Host} or {@code Origin} names
 * anything but a loopback host: a web page the user visits can neither call it (its {@code Origin} is foreign) nor
 * reach it through DNS rebinding (its {@code Host} is foreign). A request to the inspector that changes something
 * (not GET) and carries an {@code Origin} (a browser's) must also carry this process's secret in
 * {@value #CSRF_HEADER}: the inspector page gets it embedded when it is served; other programs send no
 * {@code Origin} and need none.
 */
public final class LocalAdminServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalAdminServer.class);
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** The header carrying {@link #csrfToken()}. */
    public static final String CSRF_HEADER = "X-Flux-Csrf";
    private static final int MAX_REQUEST_BODY = 4 * 1024 * 1024;

    private final HttpServer server;
    private final ExecutorService executor;
    private final String csrfToken;

    private LocalAdminServer(HttpServer server, ExecutorService executor, String csrfToken) {
        this.server = server;
        this.executor = executor;
        this.csrfToken = csrfToken;
    }

    /**
     * Starts the API on {@code 127.0.0.1:port}.
     *
     * @param sync what {@code POST /api/sync} does; null when this agent has no control plane (answers 409)
     * @return the running server, or null when the port is taken (logged: the agent runs on without it)
     */
    public static LocalAdminServer start(int port, Supplier<List<AdminTunnel>> status, Runnable sync)
            throws IOException {
        return start(port, status, sync, null);
    }

    /**
     * Starts the API on {@code 127.0.0.1:port}, with the request inspector's endpoints and page when
     * {@code inspector} is not null.
     */
    public static LocalAdminServer start(int port, Supplier<List<AdminTunnel>> status, Runnable sync,
                                         RequestInspector inspector) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        } catch (BindException e) {
            log.warn("the local admin API cannot listen on 127.0.0.1:{} ({}); running without it. Choose another "
                    + "port with --admin-port, or 0 to turn it off", port, e.getMessage());
            return null;
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "flux-admin-api");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        String csrf = Tokens.generate();
        server.createContext("/", exchange -> {
            try (exchange) {
                handle(exchange, status, sync, inspector, csrf);
            } catch (RuntimeException e) {
                log.warn("local admin API: {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            }
        });
        server.start();
        log.info("local admin API on http://127.0.0.1:{}", server.getAddress().getPort());
        return new LocalAdminServer(server, executor, csrf);
    }

    /** The secret a browser page must send in {@value #CSRF_HEADER} with a request that changes something. */
    public String csrfToken() {
        return csrfToken;
    }

    /** The port it listens on (useful when started on port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private static void handle(HttpExchange exchange, Supplier<List<AdminTunnel>> status, Runnable sync,
                               RequestInspector inspector, String csrf) throws IOException {
        String host = exchange.getRequestHeaders().getFirst("Host");
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        if (host != null && !isLoopbackHost(host)) {
            error(exchange, 403, "forbidden_host", "the local admin API answers only requests for 127.0.0.1 or "
                    + "localhost, not for '" + host + "'");
            return;
        }
        if (origin != null && !isLoopbackOrigin(origin)) {
            error(exchange, 403, "forbidden_origin", "the local admin API does not answer web pages from '"
                    + origin + "'");
            return;
        }
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if (inspector != null && RequestInspector.handles(path)) {
            if (origin != null && !method.equals("GET") && !method.equals("HEAD")
                    && !csrf.equals(exchange.getRequestHeaders().getFirst(CSRF_HEADER))) {
                error(exchange, 403, "csrf_token_required", "a request from a web page must carry the header "
                        + CSRF_HEADER + " with the token of the inspector page; reload the page");
                return;
            }
            byte[] body = exchange.getRequestBody().readNBytes(MAX_REQUEST_BODY + 1);
            if (body.length > MAX_REQUEST_BODY) {
                error(exchange, 413, "body_too_large", "the request body is larger than " + MAX_REQUEST_BODY
                        + " bytes");
                return;
            }
            RequestInspector.Response r = inspector.handle(method, path, exchange.getRequestURI().getRawQuery(),
                    body, csrf);
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.getResponseHeaders().set("X-Frame-Options", "DENY");
            exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            if (r.body() == null) {
                exchange.sendResponseHeaders(r.status(), -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", r.contentType());
            exchange.sendResponseHeaders(r.status(), r.body().length);
            exchange.getResponseBody().write(r.body());
            return;
        }
        switch (path) {
            case "/api/status" -> {
                if (!method.equals("GET")) {
                    methodNotAllowed(exchange, "GET");
                    return;
                }
                byte[] body = JSON.writeValueAsBytes(Map.of("tunnels", status.get()));
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.getResponseHeaders().set("Cache-Control", "no-store");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
            case "/api/sync" -> {
                if (!method.equals("POST")) {
                    methodNotAllowed(exchange, "POST");
                    return;
                }
                if (sync == null) {
                    error(exchange, 409, "not_managed", "this agent runs from a configuration file, not from a "
                            + "control plane: there is nothing to sync");
                    return;
                }
                sync.run();
                exchange.sendResponseHeaders(204, -1);
            }
            default -> error(exchange, 404, "not_found", "no such endpoint: " + path
                    + " (try GET /api/status or POST /api/sync)");
        }
    }

    private static void methodNotAllowed(HttpExchange exchange, String allowed) throws IOException {
        exchange.getResponseHeaders().set("Allow", allowed);
        error(exchange, 405, "method_not_allowed", exchange.getRequestURI().getPath() + " accepts " + allowed
                + " only");
    }

    private static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
        byte[] body = JSON.writeValueAsBytes(Map.of("error", code, "message", message));
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    /** {@code 127.0.0.1}, {@code localhost} or {@code [::1]}, with or without a port. */
    static boolean isLoopbackHost(String hostHeader) {
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        String name;
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            if (close < 0) {
                return false;
            }
            name = h.substring(1, close);
            String rest = h.substring(close + 1);
            if (!rest.isEmpty() && !rest.matches(":\\d{1,5}")) {
                return false;
            }
        } else {
            int colon = h.indexOf(':');
            name = colon < 0 ? h : h.substring(0, colon);
            if (colon >= 0 && !h.substring(colon).matches(":\\d{1,5}")) {
                return false;
            }
        }
        return name.equals("localhost") || name.equals("::1") || name.matches("127(\\.\\d{1,3}){3}");
    }

    static boolean isLoopbackOrigin(String origin) {
        try {
            URI uri = URI.create(origin.trim());
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getRawAuthority() == null) {
                return false;
            }
            return isLoopbackHost(uri.getRawAuthority());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}

package dev.flux.node.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

/**
 * A small HTTP server in the test speaking the control plane's node API (contract A) from fixed tables: which
 * tokens exist, what tunnels are granted, and an event feed the test appends to. It records what the node sent.
 */
final class FakeControlPlane implements AutoCloseable {

    static final String CREDENTIAL = "flx_node-credential-for-tests-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A token the fake accepts. */
    record Account(long userId, String username, long tokenId) {
    }

    final Map<String, Account> tokens = new HashMap<>();
    /** Answers to tunnels/authorize by tunnel name; a missing name is a 409. */
    final Map<String, Map<String, Object>> grants = new HashMap<>();
    final List<JsonNode> registrations = new CopyOnWriteArrayList<>();
    final List<JsonNode> heartbeats = new CopyOnWriteArrayList<>();
    final List<String> states = new CopyOnWriteArrayList<>();
    private final List<Map<String, Object>> events = new ArrayList<>();
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();

    FakeControlPlane(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 50);
        server.setExecutor(executor);
        server.createContext("/node-api/v1/", this::handle);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Appends an event to the feed and wakes the waiting long-poll. */
    synchronized void publish(String kind, String field, long id) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("seq", (long) events.size() + 1);
        event.put("kind", kind);
        event.put(field, id);
        events.add(event);
        notifyAll();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!("Bearer " + CREDENTIAL).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                reply(exchange, 401, Map.of("error", "invalid_credential", "message", "unknown node credential"));
                return;
            }
            String path = exchange.getRequestURI().getPath().substring("/node-api/v1/".length());
            JsonNode body = "POST".equals(exchange.getRequestMethod())
                    ? JSON.readTree(exchange.getRequestBody()) : null;
            if (path.equals("register")) {
                registrations.add(body);
                reply(exchange, 200, Map.of("nodeId", 1, "name", "edge1", "heartbeatSeconds", 5));
            } else if (path.equals("heartbeat")) {
                heartbeats.add(body);
                reply(exchange, 200, Map.of("ok", true));
            } else if (path.equals("agents/verify")) {
                Account account = tokens.get(body.path("token").asText());
                if (account == null) {
                    reply(exchange, 401, Map.of("error", "token_unknown",
                            "message", "the token is not known to the control plane"));
                } else {
                    Map<String, Object> answer = new HashMap<>();
                    answer.put("userId", account.userId());
                    answer.put("username", account.username());
                    answer.put("tokenId", account.tokenId());
                    answer.put("expiresAt", null);
                    reply(exchange, 200, answer);
                }
            } else if (path.equals("tunnels/authorize")) {
                Map<String, Object> grant = grants.get(body.path("name").asText());
                if (grant == null) {
                    reply(exchange, 409, Map.of("error", "tunnel_disabled", "message", "tunnel '"
                            + body.path("name").asText() + "' is disabled; enable it with `fluxctl tunnel enable "
                            + body.path("name").asText() + "`"));
                } else {
                    reply(exchange, 200, grant);
                }
            } else if (path.startsWith("tunnels/") && path.endsWith("/state")) {
                states.add(path.split("/")[1] + " " + body.path("state").asText());
                reply(exchange, 200, Map.of("ok", true));
            } else if (path.equals("events")) {
                reply(exchange, 200, events(exchange.getRequestURI().getQuery()));
            } else {
                reply(exchange, 404, Map.of("error", "not_found", "message", "no " + path));
            }
        }
    }

    private synchronized Map<String, Object> events(String query) {
        if (query == null) {
            return Map.of("seq", (long) events.size(), "events", List.of());
        }
        long after = 0;
        long waitSeconds = 25;
        for (String part : query.split("&")) {
            String[] kv = part.split("=");
            if (kv[0].equals("after")) {
                after = Long.parseLong(kv[1]);
            } else if (kv[0].equals("waitSeconds")) {
                waitSeconds = Long.parseLong(kv[1]);
            }
        }
        long deadline = System.currentTimeMillis() + waitSeconds * 1000;
        while (events.size() <= after && System.currentTimeMillis() < deadline) {
            try {
                wait(Math.max(1, deadline - System.currentTimeMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<Map<String, Object>> batch = events.subList((int) Math.min(after, events.size()), events.size());
        return Map.of("seq", Math.max(after, events.size()), "events", List.copyOf(batch));
    }

    private static void reply(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] json = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, json.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(json);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            notifyAll();
        }
        server.stop(0);
        executor.shutdownNow();
    }
}

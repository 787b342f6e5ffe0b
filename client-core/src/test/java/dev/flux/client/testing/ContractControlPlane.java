package dev.flux.client.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.flux.protocol.auth.Tokens;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP server on 127.0.0.1 that speaks the control plane's contract as fluxctl and the agent use it
 * (me, tokens, device login, tunnels, agent configuration with long poll), with the control plane's error shapes.
 * It keeps its state in memory; tests set it up and look at it through the public methods.
 */
public final class ContractControlPlane implements AutoCloseable {

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final List<String> SECRET_TYPES = List.of("stcp", "sudp", "xtcp");

    /** A user's API token as the server knows it. */
    public record Token(long id, String name, String username, String secret) {
    }

    /** How the next device login ends. */
    public enum DeviceOutcome { APPROVE, DENY, EXPIRE }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Object lock = new Object();
    private final Map<String, Token> tokens = new LinkedHashMap<>();
    private final Map<Long, Map<String, Object>> tunnels = new LinkedHashMap<>();
    private final List<Map<String, Object>> nodes = new ArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger devicePolls = new AtomicInteger();
    private long version = 1;
    private long nextId = 1;
    private int maxTunnels = 5;
    private DeviceOutcome deviceOutcome = DeviceOutcome.APPROVE;
    private int pollsBeforeOutcome = 1;
    private String deviceUser = "alice";
    private String deviceClientName;

    private ContractControlPlane() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (exchange) {
                requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
                handle(exchange);
            } catch (Exception e) {
                send(exchange, 500, Map.of("error", "internal", "message", String.valueOf(e)));
            }
        });
        server.start();
    }

    public static ContractControlPlane start() throws IOException {
        return new ContractControlPlane();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Adds a user with one token named {@code tokenName}; returns it. */
    public Token addUser(String username, String tokenName) {
        synchronized (lock) {
            Token t = new Token(nextId++, tokenName, username, Tokens.generate());
            tokens.put(t.secret(), t);
            return t;
        }
    }

    /** The token is revoked: it gets 401 from now on. */
    public void revoke(Token token) {
        synchronized (lock) {
            tokens.remove(token.secret());
        }
    }

    public void setNode(String name, String host, int port, String fingerprint, boolean online) {
        synchronized (lock) {
            nodes.clear();
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("name", name);
            n.put("tunnelHost", host);
            n.put("tunnelPort", port);
            n.put("fingerprint", fingerprint);
            n.put("online", online);
            nodes.add(n);
            changed();
        }
    }

    public void setMaxTunnels(int max) {
        synchronized (lock) {
            maxTunnels = max;
        }
    }

    /** The next device login ends so, after {@code pendingPolls} answers of {@code authorization_pending}. */
    public void deviceLogin(DeviceOutcome outcome, int pendingPolls, String username) {
        synchronized (lock) {
            deviceOutcome = outcome;
            pollsBeforeOutcome = pendingPolls;
            deviceUser = username;
            devicePolls.set(0);
        }
    }

    public int devicePolls() {
        return devicePolls.get();
    }

    public String deviceClientName() {
        synchronized (lock) {
            return deviceClientName;
        }
    }

    /** Every request so far, as {@code METHOD /path?query}. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** Creates a tunnel for a user as another client (the web UI) would; returns its id. */
    public long createTunnel(String username, Map<String, Object> fields) {
        synchronized (lock) {
            Map<String, Object> t = new LinkedHashMap<>(fields);
            long id = nextId++;
            t.put("id", id);
            t.put("username", username);
            t.putIfAbsent("state", "offline");
            t.putIfAbsent("enabled", true);
            tunnels.put(id, t);
            changed();
            return id;
        }
    }

    public void setEnabled(long id, boolean enabled) {
        synchronized (lock) {
            tunnels.get(id).put("enabled", enabled);
            changed();
        }
    }

    public void deleteTunnel(long id) {
        synchronized (lock) {
            tunnels.remove(id);
            changed();
        }
    }

    /** The names of a user's tunnels. */
    public List<String> tunnelNames(String username) {
        synchronized (lock) {
            return tunnels.values().stream().filter(t -> username.equals(t.get("username")))
                    .map(t -> (String) t.get("name")).toList();
        }
    }

    /** The stored fields of a user's tunnel, or null. */
    public Map<String, Object> tunnel(String username, String name) {
        synchronized (lock) {
            Map<String, Object> t = find(username, name);
            return t == null ? null : Map.copyOf(t);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void changed() {
        version++;
        lock.notifyAll();
    }

    private void handle(HttpExchange ex) throws IOException, InterruptedException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getPath();
        Map<String, String> query = query(ex.getRequestURI().getRawQuery());
        if (path.equals("/api/v1/device/authorize") && method.equals("POST")) {
            JsonNode body = JSON.readTree(ex.getRequestBody());
            synchronized (lock) {
                deviceClientName = body.path("clientName").asText();
            }
            send(ex, 200, Map.of("deviceCode", "dev-code-1", "userCode", "ABCD-EFGH",
                    "verificationUri", uri() + "/device", "verificationUriComplete", uri() + "/device?code=ABCD-EFGH",
                    "expiresIn", 600, "interval", 1));
            return;
        }
        if (path.equals("/api/v1/device/token") && method.equals("POST")) {
            JsonNode body = JSON.readTree(ex.getRequestBody());
            if (!"dev-code-1".equals(body.path("deviceCode").asText())) {
                send(ex, 400, error("expired_token", "the device code is unknown or expired"));
                return;
            }
            int n = devicePolls.incrementAndGet();
            synchronized (lock) {
                if (n <= pollsBeforeOutcome) {
                    send(ex, 400, error("authorization_pending", "not approved yet"));
                } else if (deviceOutcome == DeviceOutcome.DENY) {
                    send(ex, 400, error("access_denied", "the login was denied"));
                } else if (deviceOutcome == DeviceOutcome.EXPIRE) {
                    send(ex, 400, error("expired_token", "the device code expired"));
                } else {
                    Token t = new Token(nextId++, deviceClientName, deviceUser, Tokens.generate());
                    tokens.put(t.secret(), t);
                    deviceOutcome = DeviceOutcome.EXPIRE; // a token is handed out once
                    send(ex, 200, Map.of("token", t.secret(), "username", t.username()));
                }
            }
            return;
        }
        Token caller = caller(ex);
        if (caller == null) {
            send(ex, 401, error("invalid_token", "the token is unknown, revoked or expired"));
            return;
        }
        if (path.equals("/api/v1/me")) {
            send(ex, 200, Map.of("user", Map.of("id", 1, "username", caller.username(), "role", "user"),
                    "tokenId", caller.id(), "scopes", List.of("tunnels")));
        } else if (path.equals("/api/v1/tokens")) {
            List<Map<String, Object>> list = new ArrayList<>();
            synchronized (lock) {
                for (Token t : tokens.values()) {
                    if (t.username().equals(caller.username())) {
                        list.add(Map.of("id", t.id(), "name", t.name(), "username", t.username()));
                    }
                }
            }
            send(ex, 200, list);
        } else if (path.equals("/api/v1/agent/config")) {
            agentConfig(ex, caller, query);
        } else if (path.equals("/api/v1/tunnels") && method.equals("GET")) {
            synchronized (lock) {
                send(ex, 200, tunnels.values().stream().filter(t -> caller.username().equals(t.get("username")))
                        .map(t -> listed(t, false)).toList());
            }
        } else if (path.equals("/api/v1/tunnels") && method.equals("POST")) {
            createFromApi(ex, caller);
        } else if (path.startsWith("/api/v1/visits/") && method.equals("GET")) {
            visit(ex, caller, path.substring("/api/v1/visits/".length()).split("/"));
        } else if (path.startsWith("/api/v1/tunnels/")) {
            String[] parts = path.substring("/api/v1/tunnels/".length()).split("/");
            synchronized (lock) {
                Map<String, Object> t = find(caller.username(), parts[0]);
                if (t == null) {
                    send(ex, 404, error("not_found", "you have no tunnel '" + parts[0] + "'"));
                } else if (parts.length == 1 && method.equals("DELETE")) {
                    tunnels.remove((Long) t.get("id"));
                    changed();
                    send(ex, 204, null);
                } else if (parts.length == 2 && method.equals("POST")) {
                    t.put("enabled", parts[1].equals("enable"));
                    changed();
                    send(ex, 200, listed(t, false));
                } else {
                    send(ex, 405, error("method_not_allowed", method + " " + path));
                }
            }
        } else {
            send(ex, 404, error("not_found", "no such endpoint " + path));
        }
    }

    private void createFromApi(HttpExchange ex, Token caller) throws IOException {
        @SuppressWarnings("unchecked")
        Map<String, Object> body = JSON.readValue(ex.getRequestBody(), Map.class);
        synchronized (lock) {
            String name = (String) body.get("name");
            if (find(caller.username(), name) != null) {
                send(ex, 409, error("tunnel_name_taken", "you already have a tunnel named '" + name + "'"));
                return;
            }
            Object sub = body.get("subdomain");
            Object group = body.get("group");
            if (sub != null && tunnels.values().stream().anyMatch(t -> sub.equals(t.get("subdomain"))
                    && (group == null || !group.equals(t.get("group"))))) {
                send(ex, 409, error("subdomain_taken", "subdomain '" + sub + "' is taken"));
                return;
            }
            long mine = tunnels.values().stream().filter(t -> caller.username().equals(t.get("username"))).count();
            if (mine >= maxTunnels) {
                send(ex, 422, error("quota_exceeded", "quota of " + maxTunnels + " tunnels reached"));
                return;
            }
            Map<String, Object> t = new LinkedHashMap<>(body);
            // like the control plane: the group key is kept as its hash, only for the members' agents
            Object groupKey = t.remove("groupKey");
            if (group != null && groupKey != null) {
                t.put("groupKeyHash", dev.flux.protocol.auth.Tokens.hash(groupKey.toString()));
            }
            String type = (String) body.get("type");
            if (type.startsWith("http") && sub == null && body.get("customDomain") == null) {
                t.put("subdomain", name);
            }
            if (!type.startsWith("http") && !SECRET_TYPES.contains(type) && body.get("remotePort") == null) {
                t.put("remotePort", 20000 + (int) nextId);
            }
            long id = nextId++;
            t.put("id", id);
            t.put("username", caller.username());
            t.put("state", "offline");
            t.put("enabled", true);
            tunnels.put(id, t);
            changed();
            send(ex, 201, listed(t, false));
        }
    }

    private void agentConfig(HttpExchange ex, Token caller, Map<String, String> query) throws IOException,
            InterruptedException {
        Map<String, Object> answer;
        synchronized (lock) {
            if (query.containsKey("after")) {
                long after = Long.parseLong(query.get("after"));
                long wait = Long.parseLong(query.getOrDefault("waitSeconds", "25"));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(wait);
                while (version == after && System.nanoTime() < deadline) {
                    lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                }
            }
            if (!tokens.containsKey(caller.secret())) {
                send(ex, 401, error("token_revoked", "token '" + caller.name() + "' was revoked"));
                return;
            }
            answer = new LinkedHashMap<>();
            answer.put("version", version);
            answer.put("username", caller.username());
            answer.put("nodes", List.copyOf(nodes));
            answer.put("tunnels", tunnels.values().stream().filter(t -> caller.username().equals(t.get("username")))
                    .map(t -> listed(t, true)).toList());
        }
        send(ex, 200, answer);
    }

    /** {@code GET /api/v1/visits/{owner}/{name}}: the owner and the users in allowUsers (any, when empty) learn the node. */
    private void visit(HttpExchange ex, Token caller, String[] ownerAndName) throws IOException {
        synchronized (lock) {
            Map<String, Object> t = ownerAndName.length == 2 ? find(ownerAndName[0], ownerAndName[1]) : null;
            String what = "secret tunnel '" + String.join("/", ownerAndName) + "'";
            if (t == null || !SECRET_TYPES.contains((String) t.get("type"))) {
                send(ex, 404, error("not_found", what + " does not exist"));
                return;
            }
            @SuppressWarnings("unchecked")
            List<String> allowed = (List<String>) t.getOrDefault("allowUsers", List.of());
            if (!caller.username().equals(t.get("username")) && !allowed.isEmpty()
                    && !allowed.contains(caller.username())) {
                send(ex, 403, error("visit_refused", "user '" + caller.username() + "' is not allowed to visit "
                        + what + "; ask " + t.get("username") + " to add you to its allowUsers"));
                return;
            }
            if (nodes.isEmpty()) {
                send(ex, 409, error("no_node", "no node is online to reach " + what + "; try again later"));
                return;
            }
            send(ex, 200, Map.of("owner", t.get("username"), "name", t.get("name"), "type", t.get("type"),
                    "state", t.get("state"), "node", nodes.get(0)));
        }
    }

    private Map<String, Object> find(String username, String idOrName) {
        for (Map<String, Object> t : tunnels.values()) {
            if (username.equals(t.get("username"))
                    && (idOrName.equals(t.get("name")) || idOrName.equals(String.valueOf(t.get("id"))))) {
                return t;
            }
        }
        return null;
    }

    private Map<String, Object> listed(Map<String, Object> t, boolean forAgent) {
        Map<String, Object> out = new LinkedHashMap<>(t);
        out.remove("username");
        if (!forAgent) {
            out.remove("basicAuth");
            out.remove("groupKeyHash");
            out.putIfAbsent("bytesIn", 0);
            out.putIfAbsent("bytesOut", 0);
            out.putIfAbsent("connections", 0);
        }
        String type = (String) t.get("type");
        if (SECRET_TYPES.contains(type)) {
            out.put("visitCommand", "fluxctl visit " + t.get("username") + "/" + t.get("name") + " --secret SECRET");
        } else if (type.startsWith("http")) {
            out.put("publicUrl", type + "://" + t.get("subdomain") + ".tunnel.test");
        } else {
            out.put("publicUrl", type + "://tunnel.test:" + t.get("remotePort"));
        }
        return out;
    }

    private Token caller(HttpExchange ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.startsWith("Bearer ")) {
            return null;
        }
        synchronized (lock) {
            return tokens.get(auth.substring(7));
        }
    }

    private static Map<String, Object> error(String code, String message) {
        return Map.of("error", code, "message", message);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw != null) {
            for (String p : raw.split("&")) {
                int eq = p.indexOf('=');
                q.put(eq < 0 ? p : p.substring(0, eq), eq < 0 ? "" : p.substring(eq + 1));
            }
        }
        return q;
    }

    private static void send(HttpExchange ex, int status, Object body) throws IOException {
        if (body == null) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }
}

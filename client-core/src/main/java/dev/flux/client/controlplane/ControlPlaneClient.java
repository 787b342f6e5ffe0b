package dev.flux.client.controlplane;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.flux.client.controlplane.ControlPlaneException.Kind;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The control plane's REST API as {@code fluxctl} and the agent use it. Every failure is a
 * {@link ControlPlaneException} whose message can be shown to the user as it is. Thread-safe.
 */
public final class ControlPlaneClient {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final URI server;
    private final String token;
    private final HttpClient http;

    /**
     * @param server the control plane's base URL, e.g. {@code http://127.0.0.1:8443}
     * @param token  the API token sent as a bearer token, or null for the calls that need none
     */
    public ControlPlaneClient(URI server, String token) {
        this.server = Objects.requireNonNull(server, "server");
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    }

    /**
     * Checks and normalises a control plane URL given by a user: {@code http(s)://host[:port]}, without a trailing
     * slash.
     *
     * @throws IllegalArgumentException naming the value and what is expected
     */
    public static URI serverUri(String url) {
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("server URL '" + url + "' is not a URL (expected: http://host:port)");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("server URL '" + url + "' must start with http:// or https:// and "
                    + "name a host (expected: http://host:port)");
        }
        String s = uri.toString();
        return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    }

    public URI server() {
        return server;
    }

    /** {@code GET /api/v1/me}: who the token belongs to. */
    public Me me() {
        JsonNode body = send(get("/api/v1/me"), REQUEST_TIMEOUT);
        JsonNode user = body.path("user");
        List<String> scopes = JSON.convertValue(body.path("scopes"), new TypeReference<List<String>>() { });
        return new Me(user.path("username").asText(), user.path("role").asText(null), body.path("tokenId").asLong(),
                scopes == null ? List.of() : scopes);
    }

    /** The name of the caller's token with this id, from {@code GET /api/v1/tokens}; null if not listed. */
    public String tokenName(long tokenId) {
        for (JsonNode t : send(get("/api/v1/tokens"), REQUEST_TIMEOUT)) {
            if (t.path("id").asLong() == tokenId) {
                return t.path("name").asText(null);
            }
        }
        return null;
    }

    /** {@code POST /api/v1/device/authorize}: starts a device login. */
    public DeviceAuthorization authorizeDevice(String clientName) {
        JsonNode body = send(post("/api/v1/device/authorize", Map.of("clientName", clientName)), REQUEST_TIMEOUT);
        return read(body, DeviceAuthorization.class);
    }

    /** {@code POST /api/v1/device/token}: asks once whether the login was approved. */
    public DevicePoll pollDevice(String deviceCode) {
        try {
            JsonNode body = send(post("/api/v1/device/token", Map.of("deviceCode", deviceCode)), REQUEST_TIMEOUT);
            return new DevicePoll(DevicePoll.Outcome.APPROVED, body.path("token").asText(),
                    body.path("username").asText());
        } catch (ControlPlaneException e) {
            if (e.status() != 400 || e.code() == null) {
                throw e;
            }
            return switch (e.code()) {
                case "authorization_pending", "slow_down" -> new DevicePoll(DevicePoll.Outcome.PENDING, null, null);
                case "access_denied" -> new DevicePoll(DevicePoll.Outcome.DENIED, null, null);
                case "expired_token" -> new DevicePoll(DevicePoll.Outcome.EXPIRED, null, null);
                default -> throw e;
            };
        }
    }

    /** {@code GET /api/v1/tunnels}: the caller's tunnels. */
    public List<RemoteTunnel> tunnels() {
        JsonNode body = send(get("/api/v1/tunnels"), REQUEST_TIMEOUT);
        return JSON.convertValue(body, new TypeReference<List<RemoteTunnel>>() { });
    }

    /** {@code POST /api/v1/tunnels}: creates a tunnel; a refusal carries the control plane's sentence. */
    public RemoteTunnel createTunnel(NewTunnelRequest request) {
        return read(send(post("/api/v1/tunnels", request), REQUEST_TIMEOUT), RemoteTunnel.class);
    }

    /** {@code DELETE /api/v1/tunnels/{idOrName}}. */
    public void deleteTunnel(String idOrName) {
        send(request("/api/v1/tunnels/" + segment(idOrName)).DELETE(), REQUEST_TIMEOUT);
    }

    /** {@code POST /api/v1/tunnels/{idOrName}/enable} or {@code .../disable}. */
    public RemoteTunnel setTunnelEnabled(String idOrName, boolean enabled) {
        String path = "/api/v1/tunnels/" + segment(idOrName) + (enabled ? "/enable" : "/disable");
        return read(send(post(path, Map.of()), REQUEST_TIMEOUT), RemoteTunnel.class);
    }

    /**
     * {@code GET /api/v1/agent/config}: with {@code after} null the current configuration at once; else waits up to
     * {@code waitSeconds} for one newer than {@code after}, and answers the same version when nothing changed.
     */
    public AgentConfiguration agentConfig(Long after, int waitSeconds) {
        String path = "/api/v1/agent/config";
        if (after != null) {
            path += "?after=" + after + "&waitSeconds=" + waitSeconds;
        }
        JsonNode body = send(get(path), REQUEST_TIMEOUT.plusSeconds(after == null ? 0 : waitSeconds));
        return read(body, AgentConfiguration.class);
    }

    /**
     * {@code GET /api/v1/visits/{owner}/{name}}: where to visit a secret tunnel. A user the owner does not allow
     * gets a {@link ControlPlaneException} with status 403 and the control plane's sentence.
     */
    public RemoteVisit visit(String owner, String name) {
        JsonNode body = send(get("/api/v1/visits/" + segment(owner) + "/" + segment(name)), REQUEST_TIMEOUT);
        return read(body, RemoteVisit.class);
    }

    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server + path)).header("Accept", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private HttpRequest.Builder get(String path) {
        return request(path).GET();
    }

    private HttpRequest.Builder post(String path, Object body) {
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write the request body: " + e.getMessage(), e);
        }
        return request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json));
    }

    private <T> T read(JsonNode body, Class<T> type) {
        try {
            return JSON.treeToValue(body, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new ControlPlaneException(Kind.SERVER_ERROR, 200, null, "the control plane at " + server
                    + " sent an answer this fluxctl cannot read (" + e.getMessage() + "); is it the same "
                    + "version?");
        }
    }

    private JsonNode send(HttpRequest.Builder request, Duration timeout) {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ControlPlaneException(Kind.UNREACHABLE, 0, null, "interrupted while talking to the control "
                    + "plane at " + server);
        } catch (IOException e) {
            throw new ControlPlaneException(Kind.UNREACHABLE, 0, null,
                    "cannot reach the control plane at " + server + ": " + why(e));
        }
        int status = response.statusCode();
        JsonNode body = parse(response.body());
        if (status >= 200 && status < 300) {
            return body == null ? JSON.createObjectNode() : body;
        }
        String code = body == null ? null : body.path("error").asText(null);
        String message = body == null ? null : body.path("message").asText(null);
        if (message == null) {
            message = "the control plane at " + server + " answered HTTP " + status
                    + (status == 404 ? " for " + response.uri().getPath() + "; is this URL a FLUX control plane "
                    + "of this version?" : "");
        }
        Kind kind = status == 401 ? Kind.UNAUTHENTICATED : status >= 500 ? Kind.SERVER_ERROR : Kind.REFUSED;
        throw new ControlPlaneException(kind, status, code, message);
    }

    private static JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private static String why(IOException e) {
        if (e instanceof HttpConnectTimeoutException) {
            return "connection timed out after " + CONNECT_TIMEOUT.toSeconds() + " s";
        }
        if (e instanceof HttpTimeoutException) {
            return "no answer within the time limit";
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof ConnectException) {
                return "connection refused";
            }
            if (c instanceof UnknownHostException) {
                return "unknown host " + c.getMessage();
            }
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}

package dev.flux.controlplane.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Real HTTP calls to a running control plane, with JSON in and out. */
public final class ApiClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    public ApiClient(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** A response: its status and its body as JSON (a missing node for an empty body). */
    public record Response(int status, JsonNode body) {

        public String text(String field) {
            return body.path(field).asString();
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    /**
     * The administrator's first sign-in: replaces the one-time password {@code firstPassword} with
     * {@code newPassword}, then issues a token named {@code tokenName} with the tunnels and admin scopes.
     *
     * @return the token's secret
     */
    public String firstAdminToken(String firstPassword, String newPassword, String tokenName) {
        Response changed = post("/api/v1/auth/password", null, Map.of("username", "admin",
                "currentPassword", firstPassword, "newPassword", newPassword));
        if (changed.status() != 204) {
            throw new AssertionError("changing the first password: expected 204, got " + changed);
        }
        return post("/api/v1/auth/token", null, Map.of("username", "admin", "password", newPassword,
                "tokenName", tokenName, "scopes", List.of("tunnels", "admin"))).text("secret");
    }

    public Response get(String path, @Nullable String token) {
        return send("GET", path, token, null);
    }

    public Response post(String path, @Nullable String token, @Nullable Object body) {
        return send("POST", path, token, body);
    }

    public Response patch(String path, @Nullable String token, Object body) {
        return send("PATCH", path, token, body);
    }

    public Response delete(String path, @Nullable String token) {
        return send("DELETE", path, token, null);
    }

    /** Sends a request; {@code body} is serialised to JSON unless it is already a string. */
    public Response send(String method, String path, @Nullable String token, @Nullable Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json");
            String json = body instanceof String s ? s : JSON.writeValueAsString(body);
            request.method(method, HttpRequest.BodyPublishers.ofString(json));
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = response.body().isEmpty() ? JSON.missingNode() : JSON.readTree(response.body());
            return new Response(response.statusCode(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}

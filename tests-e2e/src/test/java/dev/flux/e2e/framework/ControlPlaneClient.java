package dev.flux.e2e.framework;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The control plane's REST API as a test drives it, with one bearer token: sign-in (including the first
 * password change), users, tokens, nodes and tunnels. A non-2xx answer is an {@link AssertionError} naming the
 * request and the control plane's message.
 */
public final class ControlPlaneClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final String token;
    private final long tokenId;

    private ControlPlaneClient(URI base, JsonNode createdToken) {
        this.base = base;
        this.token = createdToken.get("secret").asText();
        this.tokenId = createdToken.get("token").get("id").asLong();
    }

    /** Changes a one-time password, then signs in for a token with {@code scopes}. */
    public static ControlPlaneClient signInFirstTime(URI base, String username, String oneTimePassword,
                                                     String newPassword, String... scopes) {
        send(base, null, "POST", "/api/v1/auth/password", Map.of("username", username,
                "currentPassword", oneTimePassword, "newPassword", newPassword));
        JsonNode created = send(base, null, "POST", "/api/v1/auth/token", Map.of("username", username,
                "password", newPassword, "tokenName", "e2e", "scopes", List.of(scopes)));
        return new ControlPlaneClient(base, created);
    }

    /** Signs in as the administrator of a control plane that has just started for the first time. */
    public static ControlPlaneClient admin(ControlPlaneProcess controlPlane) {
        return signInFirstTime(controlPlane.url(), "admin", ControlPlaneProcess.ADMIN_PASSWORD,
                "e2e-admin-password-changed", "admin", "tunnels");
    }

    /** Creates a user with a first password and signs in as them (scope {@code tunnels}). */
    public ControlPlaneClient createUserAndSignIn(String username) {
        String first = username + "-first-password";
        post("/api/v1/users", Map.of("username", username, "password", first));
        return signInFirstTime(base, username, first, username + "-chosen-password", "tunnels");
    }

    /** Registers a node; returns its credential (shown only once). */
    public String createNode(String name) {
        return createNode(name, NodeProcess.SUBDOMAIN_HOST);
    }

    /** Registers a node that serves HTTP tunnels under {@code subdomainHost}; returns its credential. */
    public String createNode(String name, String subdomainHost) {
        return post("/api/v1/nodes", Map.of("name", name, "publicHost", "127.0.0.1",
                "subdomainHost", subdomainHost)).get("credential").asText();
    }

    /** This client's bearer token. */
    public String token() {
        return token;
    }

    /** The id of this client's token. */
    public long tokenId() {
        return tokenId;
    }

    public JsonNode get(String path) {
        return send(base, token, "GET", path, null);
    }

    public JsonNode post(String path, Object body) {
        return send(base, token, "POST", path, body);
    }

    public JsonNode delete(String path) {
        return send(base, token, "DELETE", path, null);
    }

    private static JsonNode send(URI base, String token, String method, String path, Object body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                    .header("Accept", "application/json");
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            if (body != null) {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new AssertionError(method + " " + path + " answered " + response.statusCode() + ": "
                        + response.body());
            }
            return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError(method + " " + base.resolve(path) + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted during " + method + " " + path, e);
        }
    }
}

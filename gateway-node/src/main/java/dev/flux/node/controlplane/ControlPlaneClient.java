package dev.flux.node.controlplane;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The node's side of the control plane's node API ({@code /node-api/v1}): JSON over HTTP, authenticated with the
 * node's credential. Every call completes with the response's JSON, or exceptionally with a
 * {@link ControlPlaneException} (the control plane refused) or a {@link ControlPlaneUnreachableException}.
 */
public final class ControlPlaneClient {

    static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final URI base;
    private final String credential;
    private final Duration timeout;
    private final HttpClient http;

    public ControlPlaneClient(URI base, String credential, Duration timeout) {
        this.base = base;
        this.credential = credential;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    public URI base() {
        return base;
    }

    /** POSTs {@code body} (serialised to JSON) to {@code /node-api/v1/<path>}. */
    public CompletableFuture<JsonNode> post(String path, Object body) {
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        return send(HttpRequest.newBuilder(uri(path)).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json)), path);
    }

    /** GETs {@code /node-api/v1/<path>}; {@code wait} is added to the timeout (long-polls). */
    public CompletableFuture<JsonNode> get(String path, Duration wait) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(timeout.plus(wait)).GET(), path);
    }

    private URI uri(String path) {
        return URI.create(base + "/node-api/v1/" + path);
    }

    private CompletableFuture<JsonNode> send(HttpRequest.Builder request, String path) {
        request.header("Authorization", "Bearer " + credential).header("Accept", "application/json");
        return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                .handle((response, failure) -> {
                    if (failure != null) {
                        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                                ? failure.getCause() : failure;
                        throw new CompletionException(new ControlPlaneUnreachableException(
                                "control plane " + base + " unreachable: " + describe(cause), cause));
                    }
                    return parse(response, path);
                });
    }

    private JsonNode parse(HttpResponse<String> response, String path) {
        int status = response.statusCode();
        JsonNode body;
        try {
            body = response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            body = JSON.nullNode();
        }
        if (status >= 200 && status < 300) {
            return body;
        }
        if (status >= 500 || !body.hasNonNull("error")) {
            throw new CompletionException(new ControlPlaneUnreachableException("control plane " + base
                    + " answered " + status + " to " + path, null));
        }
        throw new CompletionException(new ControlPlaneException(status, body.path("error").asText(),
                body.path("message").asText()));
    }

    private static String describe(Throwable t) {
        if (t instanceof ConnectException) {
            return "connection refused";
        }
        if (t instanceof HttpTimeoutException) {
            return "timed out";
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}

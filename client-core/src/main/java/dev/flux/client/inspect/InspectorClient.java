package dev.flux.client.inspect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Reads the request inspector of the agent running on this machine, through its local admin API. */
public final class InspectorClient {

    /** A refusal of the API, or no agent answering; the message is for the user. */
    public static final class InspectorException extends RuntimeException {
        private final String code;

        public InspectorException(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }

        /** The API's error code, or {@code no_agent}. */
        public String code() {
            return code;
        }
    }

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public InspectorClient(int port) {
        this.port = port;
    }

    /** {@code GET /api/requests}: summaries with an id above {@code after}, of one tunnel or all (null). */
    public JsonNode requests(String tunnel, long after) {
        String q = "?after=" + after + (tunnel == null ? "" : "&tunnel=" + URLEncoder.encode(tunnel,
                StandardCharsets.UTF_8));
        return send("GET", "/api/requests" + q, null).get("requests");
    }

    /** {@code GET /api/requests/{id}}. */
    public JsonNode request(long id) {
        return send("GET", "/api/requests/" + id, null);
    }

    /** {@code POST /api/requests/{id}/replay} with an optional edit (a JSON object or null). */
    public JsonNode replay(long id, Object edit) {
        return send("POST", "/api/requests/" + id + "/replay", edit);
    }

    /** Any call of the API with a JSON body (or null); returns the JSON answer, or null for 204. */
    public JsonNode send(String method, String path, Object body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(60));
            if (body == null) {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                b.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            }
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode json = r.body().length == 0 ? null : JSON.readTree(r.body());
            if (r.statusCode() >= 400) {
                if (json != null && json.has("message")) {
                    throw new InspectorException(json.path("error").asText(), json.get("message").asText());
                }
                throw new InspectorException("http_" + r.statusCode(), "the agent's admin API answered "
                        + r.statusCode() + " to " + method + " " + path);
            }
            if (r.statusCode() == 404 || json != null && !json.isObject()) {
                throw notInspector();
            }
            return json;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw notInspector();
        } catch (IOException e) {
            throw new InspectorException("no_agent", "no agent is running on this machine (nothing answers on "
                    + "127.0.0.1:" + port + "): start one with `fluxctl up`, or name its --admin-port");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InspectorException("interrupted", "interrupted");
        }
    }

    private InspectorException notInspector() {
        return new InspectorException("not_an_agent", "what answers on 127.0.0.1:" + port + " is not a FLUX agent "
                + "with the request inspector");
    }
}

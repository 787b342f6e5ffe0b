package dev.flux.client.admin;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Talks to the agent running on this machine through its {@link LocalAdminServer}. */
public final class LocalAdminClient {

    /** The default port of the local admin API. */
    public static final int DEFAULT_PORT = 4040;

    /** What {@link #sync()} found. */
    public enum SyncResult {
        /** An agent in control-plane mode took the request and reads the control plane now. */
        SYNCED,
        /** An agent runs, but from a configuration file: it does not read the control plane. */
        FILE_MODE,
        /** Nothing answered on the port. */
        NO_AGENT
    }

    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public LocalAdminClient(int port) {
        this.port = port;
    }

    /** {@code POST /api/sync}: asks the running agent to apply the control plane's configuration now. */
    public SyncResult sync() {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/sync"))
                .timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        try {
            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return status == 204 ? SyncResult.SYNCED : status == 409 ? SyncResult.FILE_MODE : SyncResult.NO_AGENT;
        } catch (IOException e) {
            return SyncResult.NO_AGENT;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return SyncResult.NO_AGENT;
        }
    }
}

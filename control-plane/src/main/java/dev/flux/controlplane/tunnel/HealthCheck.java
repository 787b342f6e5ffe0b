package dev.flux.controlplane.tunnel;

import dev.flux.controlplane.api.ApiException;
import org.jspecify.annotations.Nullable;

/**
 * A tunnel's health check of its local service, run by the agent that serves it: a TCP connect ({@code tcp}), or
 * an HTTP GET of {@code path} that must answer {@code expectStatus} ({@code http}). After {@code failureThreshold}
 * failures in a row the agent takes the tunnel off its node until a check passes again. In a request, omitted fields
 * take the defaults of flux.toml's {@code healthCheck}; stored and shown, every field is set ({@code path} and
 * {@code expectStatus} only for http).
 */
public record HealthCheck(@Nullable String type, @Nullable String path, @Nullable Integer expectStatus,
                          @Nullable Integer intervalSeconds, @Nullable Integer timeoutSeconds,
                          @Nullable Integer failureThreshold) {

    static final String TCP = "tcp";
    static final String HTTP = "http";

    /**
     * This request's check with the defaults filled in.
     *
     * @throws ApiException 400 naming the field ({@code healthCheck.path}) and the value
     */
    HealthCheck checked() {
        String t = type == null ? TCP : type;
        if (!TCP.equals(t) && !HTTP.equals(t)) {
            throw bad("type", "'" + t + "' (expected: tcp or http)");
        }
        if (TCP.equals(t) && (path != null || expectStatus != null)) {
            throw bad(path != null ? "path" : "expectStatus", "only http health checks have it (this one is tcp)");
        }
        String p = path == null ? "/" : path;
        if (HTTP.equals(t) && (!p.startsWith("/") || p.chars().anyMatch(c -> c <= ' ' || c == 0x7f))) {
            throw bad("path", "'" + p + "' (expected: a path such as /healthz)");
        }
        int status = range("expectStatus", expectStatus, 200, 100, 599);
        int interval = range("intervalSeconds", intervalSeconds, 10, 1, 3600);
        int timeout = range("timeoutSeconds", timeoutSeconds, Math.min(3, interval), 1, 600);
        if (timeout > interval) {
            throw bad("timeoutSeconds", timeout + " is longer than intervalSeconds (" + interval + "); a check must "
                    + "end before the next one starts");
        }
        int failures = range("failureThreshold", failureThreshold, 3, 1, 100);
        return HTTP.equals(t) ? new HealthCheck(t, p, status, interval, timeout, failures)
                : new HealthCheck(t, null, null, interval, timeout, failures);
    }

    private static int range(String field, @Nullable Integer value, int fallback, int min, int max) {
        int v = value == null ? fallback : value;
        if (v < min || v > max) {
            throw bad(field, v + " (expected: " + min + ".." + max + ")");
        }
        return v;
    }

    private static ApiException bad(String field, String message) {
        return ApiException.badRequest("healthCheck." + field + ": " + message);
    }
}

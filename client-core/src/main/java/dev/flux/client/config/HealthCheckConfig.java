package dev.flux.client.config;

import java.time.Duration;

/**
 * A tunnel's health check of its local service, run by the agent: a TCP connect, or an HTTP GET that must answer
 * {@code expectStatus}. After {@code failureThreshold} failures in a row the tunnel is taken off the node (out of its
 * load-balancing group); the first success after that puts it back.
 *
 * @param type {@value #TCP} or {@value #HTTP}
 * @param path http: the request path, starting with {@code /}
 * @param expectStatus http: the status that counts as healthy
 * @param interval time between the start of two checks
 * @param timeout how long one check may take
 * @param failureThreshold failures in a row that make the service unhealthy, at least 1
 */
public record HealthCheckConfig(String type, String path, int expectStatus, Duration interval, Duration timeout,
                                int failureThreshold) {

    public static final String TCP = "tcp";
    public static final String HTTP = "http";
}

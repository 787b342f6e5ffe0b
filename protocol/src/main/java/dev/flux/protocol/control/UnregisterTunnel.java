package dev.flux.protocol.control;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Agent → node: stop exposing a tunnel.
 *
 * @param reason why, when the node should tell visitors: {@value #UNHEALTHY} while the local service fails its health
 *               check (an HTTP tunnel's host then answers 503, not 404, as long as the agent stays connected); null
 *               for a plain removal, and absent in the JSON of older agents
 */
// a plain removal stays {"name":...} on the wire, as older nodes and agents wrote it
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UnregisterTunnel(String name, String reason) implements ControlMessage {

    /** {@code reason} of a tunnel taken off because its local service failed its health check. */
    public static final String UNHEALTHY = "unhealthy";

    /** A plain removal. */
    public UnregisterTunnel(String name) {
        this(name, null);
    }
}

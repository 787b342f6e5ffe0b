package dev.flux.client.controlplane;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of {@code POST /api/v1/tunnels}; null fields are left out, so the control plane picks its defaults.
 *
 * @param type        {@code http}, {@code https}, {@code tcp} or {@code udp}
 * @param localTarget {@code host:port} the agent forwards to
 * @param basicAuth   {@code user:password}, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NewTunnelRequest(String name, String type, String localTarget, String subdomain, String customDomain,
                               Integer remotePort, String basicAuth) {
}

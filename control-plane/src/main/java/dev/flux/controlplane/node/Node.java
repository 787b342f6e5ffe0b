package dev.flux.controlplane.node;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A gateway node. Its credential exists only in the response that registered it. The fields from
 * {@code tunnelHost} to {@code version} are what the node reported when it last registered (null before that).
 *
 * @param subdomainHost tunnels on this node are served as {@code <subdomain>.<subdomainHost>}
 * @param portMin the first port of the node's TCP/UDP range
 * @param portMax the last port of that range
 * @param tunnelHost the host agents connect to
 * @param tunnelPort the port agents connect to
 * @param httpPort the node's HTTP vhost port; null when it serves no HTTP tunnels
 * @param httpsPort the node's HTTPS vhost port; null when it has none
 * @param fingerprint the SHA-256 fingerprint of the node's TLS certificate, for agents to pin
 * @param online whether the node sent a heartbeat recently (within {@link #OFFLINE_AFTER_SECONDS} seconds)
 */
public record Node(
        long id,
        String name,
        String publicHost,
        @Nullable String subdomainHost,
        int portMin,
        int portMax,
        @Nullable Instant lastHeartbeatAt,
        Instant createdAt,
        @Nullable String tunnelHost,
        @Nullable Integer tunnelPort,
        @Nullable Integer httpPort,
        @Nullable Integer httpsPort,
        @Nullable String fingerprint,
        @Nullable String version,
        boolean online) {

    /** How often nodes send heartbeats. */
    public static final int HEARTBEAT_SECONDS = 5;
    /** A node that missed three heartbeats is offline. */
    public static final int OFFLINE_AFTER_SECONDS = 3 * HEARTBEAT_SECONDS;

    public PortRange ports() {
        return new PortRange(portMin, portMax);
    }
}

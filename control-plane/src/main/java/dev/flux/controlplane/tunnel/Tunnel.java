package dev.flux.controlplane.tunnel;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A user's tunnel as the control plane records it.
 *
 * @param localTarget where the agent forwards to, as it reported it (e.g. {@code localhost:8080})
 * @param node the node it is bound to; null when any node may serve it
 * @param state {@code offline} until an agent serves it, {@code online}, or {@code disabled}
 */
public record Tunnel(
        long id,
        long userId,
        String username,
        String name,
        TunnelType type,
        String localTarget,
        @Nullable String subdomain,
        @Nullable String customDomain,
        @Nullable Integer remotePort,
        @Nullable String node,
        String state,
        Instant createdAt,
        @Nullable Instant lastSeenAt) {
}

package dev.flux.controlplane.node;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A gateway node. Its credential exists only in the response that registered it.
 *
 * @param subdomainHost tunnels on this node are served as {@code <subdomain>.<subdomainHost>}
 * @param portMin the first port of the node's TCP/UDP range
 * @param portMax the last port of that range
 */
public record Node(
        long id,
        String name,
        String publicHost,
        @Nullable String subdomainHost,
        int portMin,
        int portMax,
        @Nullable Instant lastHeartbeatAt,
        Instant createdAt) {

    public PortRange ports() {
        return new PortRange(portMin, portMax);
    }
}

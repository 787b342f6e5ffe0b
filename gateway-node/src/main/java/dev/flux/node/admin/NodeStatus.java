package dev.flux.node.admin;

import dev.flux.node.tunnel.TunnelRegistry;
import java.time.Instant;

/** What the admin listener reports about its node; implemented by the node, read from the admin's event loop. */
public interface NodeStatus {

    /** Whether every listener of the node is bound and it is not stopping. */
    boolean serving();

    /**
     * Why the node should not get traffic yet, or null when it is ready: serving and, in control-plane mode,
     * registered with the control plane.
     */
    String notReadyReason();

    /** The node's live agents and tunnels. */
    TunnelRegistry registry();

    /** When the node started. */
    Instant started();
}

package dev.flux.controlplane.tunnel;

import dev.flux.controlplane.api.ApiException;
import dev.flux.controlplane.node.NodeEvent;
import dev.flux.controlplane.node.NodeEvents;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Switching tunnels off and on, kicking and deleting them. Each change publishes the node event that makes the
 * node serving the tunnel close it, and wakes the owner's agent, in the change's transaction. Callers check who
 * may do this; this class does not.
 */
@Component
public class TunnelStates {

    private final TunnelRepository tunnels;
    private final NodeEvents events;
    private final TunnelGroups groups;

    TunnelStates(TunnelRepository tunnels, NodeEvents events, TunnelGroups groups) {
        this.tunnels = tunnels;
        this.events = events;
        this.groups = groups;
    }

    /** Disables a tunnel: nodes close it and refuse it until it is enabled again. Disabling twice is harmless. */
    @Transactional
    public Tunnel disable(long tunnelId) {
        Tunnel tunnel = find(tunnelId);
        if (tunnels.setEnabled(tunnelId, false)) {
            events.publish(NodeEvent.TUNNEL_DISABLED, null, tunnel.userId(), tunnelId);
            tunnels.bumpVersion(tunnel.userId());
        }
        return find(tunnelId);
    }

    /** Enables a disabled tunnel; its agent may then serve it again. */
    @Transactional
    public Tunnel enable(long tunnelId) {
        Tunnel tunnel = find(tunnelId);
        if (tunnels.setEnabled(tunnelId, true)) {
            tunnels.bumpVersion(tunnel.userId());
        }
        return find(tunnelId);
    }

    /** Makes the node close the tunnel's current session; the agent may register it again. */
    @Transactional
    public void kick(long tunnelId) {
        Tunnel tunnel = find(tunnelId);
        events.publish(NodeEvent.TUNNEL_KICKED, null, tunnel.userId(), tunnelId);
    }

    /**
     * Deletes a tunnel (and the addresses it claimed, unless other members of its group still use them); the node
     * serving it closes it.
     */
    @Transactional
    public void delete(long tunnelId) {
        Tunnel tunnel = find(tunnelId);
        groups.deleteMember(tunnelId, () -> tunnels.delete(tunnelId));
        events.publish(NodeEvent.TUNNEL_DELETED, null, tunnel.userId(), tunnelId);
        tunnels.bumpVersion(tunnel.userId());
    }

    private Tunnel find(long tunnelId) {
        return tunnels.findById(tunnelId).orElseThrow(() -> ApiException.notFound("tunnel " + tunnelId));
    }
}

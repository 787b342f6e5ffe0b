package dev.flux.controlplane.tunnel;

import org.springframework.stereotype.Component;

/**
 * Placeholder with the agreed signatures (contract B); the node API branch supplies the implementation that
 * changes the state and publishes the node event, and replaces this file at merge.
 */
@Component
public class TunnelStates {

    public Tunnel disable(long tunnelId) {
        throw new UnsupportedOperationException("wired at merge");
    }

    public Tunnel enable(long tunnelId) {
        throw new UnsupportedOperationException("wired at merge");
    }

    public void kick(long tunnelId) {
        throw new UnsupportedOperationException("wired at merge");
    }
}

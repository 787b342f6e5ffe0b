package dev.flux.client;

/** Where a tunnel stands, as shown to the user. */
public enum TunnelState {
    /** Waiting for the connection to the node. */
    CONNECTING,
    /** Live: its public URL works. */
    READY,
    /** The node refused it; {@link TunnelStatus#error()} says why. */
    REJECTED,
    /** The connection to the node is down; the agent is reconnecting. */
    RECONNECTING,
    /**
     * The local service fails its health check: the tunnel is off the node (out of its load-balancing group) until
     * the service recovers; {@link TunnelStatus#error()} says why.
     */
    UNHEALTHY
}

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
    RECONNECTING
}

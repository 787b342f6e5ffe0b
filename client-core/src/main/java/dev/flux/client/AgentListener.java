package dev.flux.client;

/**
 * Receives the agent's events. Called on the agent's event loop: implementations return quickly and never block.
 */
public interface AgentListener {

    /** A tunnel changed state (ready, rejected, reconnecting). */
    default void tunnelChanged(TunnelStatus status) {
    }

    /**
     * The connection to the node changed.
     *
     * @param connected true once logged in, false when the connection is lost
     * @param detail    what happened, e.g. "connection refused; retrying in 2.1 s"
     */
    default void connectionChanged(boolean connected, String detail) {
    }

    /**
     * In control-plane mode, the control plane became unreachable or reachable again; the tunnels run on either way.
     *
     * @param detail what happened, e.g. "cannot reach the control plane at http://cp:8443: connection refused"
     */
    default void controlPlaneChanged(boolean reachable, String detail) {
    }

    /**
     * A visitor opened its local port: connections (stcp) or datagrams (sudp) to {@code address} reach the secret
     * tunnel {@code serverName}.
     */
    default void visitorListening(String name, String type, String serverName, java.net.InetSocketAddress address) {
    }
}

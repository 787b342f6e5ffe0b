package dev.flux.node.tunnel;

/**
 * Who an agent logged in as, and the limits that apply to it on this node.
 *
 * @param name how logs and limits name it: the token's name in standalone mode, {@code user (token 12)} with a
 *             control plane
 * @param maxTunnels at most this many tunnels at once; 0 is unlimited
 * @param maxConnectionsPerTunnel at most this many open connections per tunnel; 0 is unlimited
 * @param userId the control plane's user id; null in standalone mode
 * @param tokenId the control plane's token id; null in standalone mode
 * @param user who owns and visits secret tunnels: the token's name in standalone mode, the user's name with a
 *             control plane (whatever token of the user's the agent logged in with)
 */
public record AgentIdentity(String name, int maxTunnels, int maxConnectionsPerTunnel, Long userId, Long tokenId,
                            String user) {

    /** An identity whose {@code user} is its {@code name}: standalone mode. */
    public AgentIdentity(String name, int maxTunnels, int maxConnectionsPerTunnel, Long userId, Long tokenId) {
        this(name, maxTunnels, maxConnectionsPerTunnel, userId, tokenId, name);
    }
}

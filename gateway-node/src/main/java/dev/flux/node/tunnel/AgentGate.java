package dev.flux.node.tunnel;

import dev.flux.protocol.control.RegisterTunnel;
import java.util.concurrent.CompletableFuture;

/**
 * Decides who may log in and which tunnels they get: the tokens of {@code node.toml} ({@link StaticAgentGate}), or
 * the control plane. Answers arrive asynchronously; the session continues on its event loop.
 */
public interface AgentGate {

    /** Completes with the agent's identity, or exceptionally with a {@link LoginRefusedException}. */
    CompletableFuture<AgentIdentity> login(String token);

    /** Completes with what to serve, or exceptionally with a {@link TunnelRejectedException}. */
    CompletableFuture<TunnelGrant> authorize(AgentIdentity agent, RegisterTunnel registration);

    /** A tunnel is being served now. */
    default void tunnelOnline(Tunnel tunnel) {
    }

    /** A tunnel stopped being served (the agent left or removed it, or the node closed it). */
    default void tunnelOffline(Tunnel tunnel) {
    }
}

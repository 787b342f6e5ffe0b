package dev.flux.node.tunnel;

import dev.flux.node.config.NodeConfig.TokenEntry;
import dev.flux.protocol.auth.TokenVerifier;
import dev.flux.protocol.control.RegisterTunnel;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Standalone mode: the {@code [[tokens]]} of {@code node.toml} decide who logs in; every tunnel is served as asked. */
public final class StaticAgentGate implements AgentGate {

    private final TokenVerifier<TokenEntry> tokens;

    public StaticAgentGate(List<TokenEntry> entries) {
        TokenVerifier.Builder<TokenEntry> b = TokenVerifier.builder();
        for (TokenEntry t : entries) {
            if (t.token() != null) {
                b.addPlain(t.token(), t);
            } else {
                b.addHash(t.tokenHash(), t);
            }
        }
        this.tokens = b.build();
    }

    @Override
    public CompletableFuture<AgentIdentity> login(String token) {
        TokenEntry entry = tokens.verify(token);
        if (entry == null) {
            return CompletableFuture.failedFuture(new LoginRefusedException(
                    "the token was not accepted by this node; check `token` in your flux.toml", false));
        }
        return CompletableFuture.completedFuture(new AgentIdentity(entry.name(), entry.maxTunnels(),
                entry.maxConnectionsPerTunnel(), null, null));
    }

    @Override
    public CompletableFuture<TunnelGrant> authorize(AgentIdentity agent, RegisterTunnel registration) {
        return CompletableFuture.completedFuture(new TunnelGrant(registration, null));
    }
}

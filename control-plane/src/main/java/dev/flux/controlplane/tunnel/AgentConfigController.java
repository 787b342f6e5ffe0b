package dev.flux.controlplane.tunnel;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.flux.controlplane.api.ApiException;
import dev.flux.controlplane.node.ChangeSignal;
import dev.flux.controlplane.node.NodeRepository;
import dev.flux.controlplane.security.ApiPrincipal;
import dev.flux.controlplane.security.Scope;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/agent/config}: what the caller's agent should run (its tunnels, with their passwords) and where
 * (the registered nodes). A long-poll: with {@code after} equal to the current version it answers when the
 * caller's tunnels change (added, removed, enabled, disabled) or after {@code waitSeconds}.
 */
@RestController
class AgentConfigController {

    static final int MAX_WAIT_SECONDS = 60;

    private final TunnelRepository tunnels;
    private final NodeRepository nodes;
    private final ChangeSignal signal;

    AgentConfigController(TunnelRepository tunnels, NodeRepository nodes, ChangeSignal signal) {
        this.tunnels = tunnels;
        this.nodes = nodes;
        this.signal = signal;
    }

    record AgentConfig(long version, String username, List<AgentNode> nodes, List<AgentTunnel> tunnels) {
    }

    record AgentNode(String name, String tunnelHost, @Nullable Integer tunnelPort, @Nullable String fingerprint,
                     boolean online) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record AgentTunnel(long id, String name, TunnelType type, String localTarget, @Nullable String subdomain,
                       @Nullable String customDomain, @Nullable Integer remotePort, @Nullable String basicAuth,
                       boolean enabled, @Nullable String publicUrl, @Nullable String tlsTermination,
                       TunnelPolicies policies, List<String> allowUsers, @Nullable HealthCheck healthCheck,
                       @Nullable String group, @Nullable String groupKeyHash) {

        @Override
        public String toString() {
            return "AgentTunnel[id=" + id + ", name=" + name + "]";
        }
    }

    @GetMapping("/api/v1/agent/config")
    AgentConfig config(@RequestParam(required = false) @Nullable Long after,
                       @RequestParam(defaultValue = "25") int waitSeconds,
                       @AuthenticationPrincipal ApiPrincipal caller) {
        if (!caller.scopes().contains(Scope.TUNNELS)) {
            throw ApiException.forbidden("forbidden", "this needs a token with the 'tunnels' scope");
        }
        if (waitSeconds < 0 || waitSeconds > MAX_WAIT_SECONDS) {
            throw ApiException.badRequest("waitSeconds: " + waitSeconds + " (expected: 0.." + MAX_WAIT_SECONDS + ")");
        }
        long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
        while (true) {
            long seen = signal.generation();
            long version = tunnels.version(caller.userId());
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (after == null || after != version || left <= 0 || !signal.await(seen, left)) {
                return build(caller, version);
            }
        }
    }

    private AgentConfig build(ApiPrincipal caller, long version) {
        List<AgentNode> known = nodes.findRegistered().stream()
                .map(n -> new AgentNode(n.name(), n.tunnelHost(), n.tunnelPort(), n.fingerprint(), n.online()))
                .toList();
        List<AgentTunnel> own = tunnels.findAll(caller.userId()).stream()
                .map(t -> new AgentTunnel(t.id(), t.name(), t.type(), t.localTarget(), t.subdomain(),
                        t.customDomain(), t.remotePort(), t.basicAuth(), t.enabled(), t.publicUrl(),
                        t.tlsTermination(), t.policies(), t.allowUsers(), t.healthCheck(), t.group(),
                        t.groupKeyHash()))
                .toList();
        return new AgentConfig(version, caller.username(), known, own);
    }
}

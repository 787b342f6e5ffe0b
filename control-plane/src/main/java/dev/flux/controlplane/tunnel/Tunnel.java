package dev.flux.controlplane.tunnel;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A user's tunnel as the control plane records it.
 *
 * @param localTarget where the agent forwards to, as it reported it (e.g. {@code localhost:8080})
 * @param node the node it is bound to; null when any node may serve it
 * @param state {@code offline} until an agent serves it, {@code online} while a live node serves it, or
 *     {@code disabled}
 * @param enabled false while its owner or an administrator has switched it off: nodes refuse to serve it
 * @param publicUrl where visitors reach it, e.g. {@code http://web.example.com:8080} or {@code tcp://host:20001};
 *     null while no node is known that would serve it
 * @param bytesIn bytes from visitors to the local service in the last 24 hours
 * @param bytesOut bytes from the local service to visitors in the last 24 hours
 * @param connections visitor connections in the last 24 hours
 * @param basicAuth {@code user:password} visitors must send; never serialised (only agents and nodes get it)
 * @param tlsTermination https only: {@code passthrough} or {@code node}; null on other types
 * @param policies IP lists, limits and PROXY protocol
 * @param allowUsers stcp/sudp/xtcp: the user names that may visit besides the owner; empty: anyone holding the secret
 * @param visitCommand stcp/sudp/xtcp: how a visitor reaches it ({@code fluxctl visit alice/db --secret SECRET}, the
 *     secret to be had from the owner); null for other types
 * @param healthCheck the agent's check of the local service, every field set; null for none
 * @param group the load-balancing group it is a member of; null for none
 * @param groupKeyHash the group's key as stored ({@code sha256:<hex>}); never serialised (only the members' agents
 *     and nodes get it, to tell the members of one group apart from other tunnels)
 */
public record Tunnel(
        long id,
        long userId,
        String username,
        String name,
        TunnelType type,
        String localTarget,
        @Nullable String subdomain,
        @Nullable String customDomain,
        @Nullable Integer remotePort,
        @Nullable String node,
        String state,
        boolean enabled,
        @Nullable String publicUrl,
        long bytesIn,
        long bytesOut,
        long connections,
        Instant createdAt,
        @Nullable Instant lastSeenAt,
        @JsonIgnore @Nullable String basicAuth,
        @Nullable String tlsTermination,
        TunnelPolicies policies,
        List<String> allowUsers,
        @Nullable String visitCommand,
        @Nullable HealthCheck healthCheck,
        @Nullable String group,
        @JsonIgnore @Nullable String groupKeyHash) {

    public Tunnel {
        allowUsers = List.copyOf(allowUsers);
    }

    /** {@link #visitCommand} of a secret tunnel: the command a visitor runs, less the secret's value. */
    static @Nullable String visitCommand(TunnelType type, String username, String name) {
        return type.secret() ? "fluxctl visit " + username + "/" + name + " --secret SECRET" : null;
    }

    // Records print every component; a log line must not carry the password.
    @Override
    public String toString() {
        return "Tunnel[id=" + id + ", user=" + username + ", name=" + name + ", type=" + type.id() + ", state=" + state
                + ", enabled=" + enabled + ", publicUrl=" + publicUrl + ", basicAuth=" + (basicAuth != null) + ", group="
                + group + "]";
    }
}

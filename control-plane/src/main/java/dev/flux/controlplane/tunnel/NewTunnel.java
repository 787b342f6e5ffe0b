package dev.flux.controlplane.tunnel;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A request to create a tunnel.
 *
 * @param subdomain for http/https; with neither it nor {@code customDomain}, a random subdomain is chosen
 * @param remotePort for tcp/udp; omitted: a free port of the node's range
 * @param node the node to bind the tunnel to; omitted: any node (ports from the default range)
 * @param basicAuth for http/https: {@code user:password} that visitors must send; omitted: none
 * @param tlsTermination for https: {@code passthrough} (the default: the local service terminates TLS, reached by
 *     SNI) or {@code node} (the node terminates TLS with its certificate for the host)
 * @param allowIps CIDR blocks or addresses visitors must come from; omitted: everyone
 * @param denyIps CIDR blocks or addresses refused; omitted: none
 * @param proxyProtocol {@code v1} or {@code v2}: the PROXY header the agent sends to the local service; omitted: none
 * @param bandwidthLimit bytes per second in each direction, with a unit: {@code "2MB"}; omitted: unlimited
 * @param maxConnections open connections at once; omitted: only the token's limit
 * @param allowUsers stcp/sudp/xtcp: the user names that may visit besides the owner; omitted: anyone holding the
 *     secret. The secret itself is never sent to the control plane.
 * @param healthCheck the agent's check of the local service; omitted: none
 * @param group tcp/http: the load-balancing group to found or join; omitted: none
 * @param groupKey with {@code group}: the key that founds the group or must match its key to join; never stored or
 *     answered (only its SHA-256)
 */
public record NewTunnel(
        @NotNull @Pattern(regexp = "[a-z0-9][a-z0-9_-]{0,63}",
                message = "use 1-64 lower-case letters, digits, '_' or '-', starting with a letter or digit")
        String name,
        @NotNull TunnelType type,
        @NotBlank @Size(max = 255) String localTarget,
        @Nullable String subdomain,
        @Nullable String customDomain,
        @Nullable Integer remotePort,
        @Nullable String node,
        @Nullable @Size(max = 255) String basicAuth,
        @Nullable String tlsTermination,
        @Nullable @Size(max = 100) List<String> allowIps,
        @Nullable @Size(max = 100) List<String> denyIps,
        @Nullable String proxyProtocol,
        @Nullable String bandwidthLimit,
        @Nullable Integer maxConnections,
        @Nullable @Size(max = 100) List<String> allowUsers,
        @Nullable HealthCheck healthCheck,
        @Nullable String group,
        @Nullable @Size(max = 255) String groupKey) {

    /** A request without https settings or policies. */
    public NewTunnel(String name, TunnelType type, String localTarget, @Nullable String subdomain,
                     @Nullable String customDomain, @Nullable Integer remotePort, @Nullable String node,
                     @Nullable String basicAuth) {
        this(name, type, localTarget, subdomain, customDomain, remotePort, node, basicAuth, null);
    }

    /** A request with https settings and no policies. */
    public NewTunnel(String name, TunnelType type, String localTarget, @Nullable String subdomain,
                     @Nullable String customDomain, @Nullable Integer remotePort, @Nullable String node,
                     @Nullable String basicAuth, @Nullable String tlsTermination) {
        this(name, type, localTarget, subdomain, customDomain, remotePort, node, basicAuth, tlsTermination, null,
                null, null, null, null);
    }

    /** A request with https settings and policies, for any type but a secret one. */
    public NewTunnel(String name, TunnelType type, String localTarget, @Nullable String subdomain,
                     @Nullable String customDomain, @Nullable Integer remotePort, @Nullable String node,
                     @Nullable String basicAuth, @Nullable String tlsTermination, @Nullable List<String> allowIps,
                     @Nullable List<String> denyIps, @Nullable String proxyProtocol, @Nullable String bandwidthLimit,
                     @Nullable Integer maxConnections) {
        this(name, type, localTarget, subdomain, customDomain, remotePort, node, basicAuth, tlsTermination, allowIps,
                denyIps, proxyProtocol, bandwidthLimit, maxConnections, null);
    }

    /** A request with every setting but a health check. */
    public NewTunnel(String name, TunnelType type, String localTarget, @Nullable String subdomain,
                     @Nullable String customDomain, @Nullable Integer remotePort, @Nullable String node,
                     @Nullable String basicAuth, @Nullable String tlsTermination, @Nullable List<String> allowIps,
                     @Nullable List<String> denyIps, @Nullable String proxyProtocol, @Nullable String bandwidthLimit,
                     @Nullable Integer maxConnections, @Nullable List<String> allowUsers) {
        this(name, type, localTarget, subdomain, customDomain, remotePort, node, basicAuth, tlsTermination, allowIps,
                denyIps, proxyProtocol, bandwidthLimit, maxConnections, allowUsers, null);
    }

    /** A request with every setting but a load-balancing group. */
    public NewTunnel(String name, TunnelType type, String localTarget, @Nullable String subdomain,
                     @Nullable String customDomain, @Nullable Integer remotePort, @Nullable String node,
                     @Nullable String basicAuth, @Nullable String tlsTermination, @Nullable List<String> allowIps,
                     @Nullable List<String> denyIps, @Nullable String proxyProtocol, @Nullable String bandwidthLimit,
                     @Nullable Integer maxConnections, @Nullable List<String> allowUsers,
                     @Nullable HealthCheck healthCheck) {
        this(name, type, localTarget, subdomain, customDomain, remotePort, node, basicAuth, tlsTermination, allowIps,
                denyIps, proxyProtocol, bandwidthLimit, maxConnections, allowUsers, healthCheck, null, null);
    }

    @Override
    public String toString() {
        return "NewTunnel[name=" + name + ", type=" + type + ", localTarget=" + localTarget + ", subdomain=" + subdomain
                + ", customDomain=" + customDomain + ", remotePort=" + remotePort + ", node=" + node + ", basicAuth="
                + (basicAuth != null) + ", tlsTermination=" + tlsTermination + ", allowIps=" + allowIps + ", denyIps="
                + denyIps + ", proxyProtocol=" + proxyProtocol + ", bandwidthLimit=" + bandwidthLimit
                + ", maxConnections=" + maxConnections + ", allowUsers=" + allowUsers + ", healthCheck=" + healthCheck
                + ", group=" + group + ", groupKey=" + (groupKey != null) + "]";
    }
}

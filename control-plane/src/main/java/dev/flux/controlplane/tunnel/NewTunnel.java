package dev.flux.controlplane.tunnel;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
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
        @Nullable String tlsTermination) {

    /** A request without https settings. */
    public NewTunnel(String name, TunnelType type, String localTarget, @Nullable String subdomain,
                     @Nullable String customDomain, @Nullable Integer remotePort, @Nullable String node,
                     @Nullable String basicAuth) {
        this(name, type, localTarget, subdomain, customDomain, remotePort, node, basicAuth, null);
    }

    @Override
    public String toString() {
        return "NewTunnel[name=" + name + ", type=" + type + ", localTarget=" + localTarget + ", subdomain=" + subdomain
                + ", customDomain=" + customDomain + ", remotePort=" + remotePort + ", node=" + node + ", basicAuth="
                + (basicAuth != null) + ", tlsTermination=" + tlsTermination + "]";
    }
}

package dev.flux.client.controlplane;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * A tunnel as the control plane describes it, in {@code /api/v1/tunnels} and in the agent configuration. What a
 * listing leaves out is null ({@code basicAuth} is only in the agent configuration).
 *
 * @param localTarget where the agent forwards to, {@code host:port}
 * @param publicUrl   e.g. {@code http://wx.example.com} or {@code tcp://example.com:26022}; null while no node is known
 * @param basicAuth   {@code user:password} visitors must give, or null
 * @param tlsTermination https: {@code passthrough} or {@code node}; null for other types (or an older control plane)
 * @param policies    IP lists, limits and PROXY protocol; null from a control plane that has none
 * @param allowUsers  stcp/sudp/xtcp: who may visit besides the owner (empty: anyone holding the secret); null from
 *                    a control plane that has no secret tunnels
 * @param visitCommand stcp/sudp/xtcp: what a visitor runs, e.g. {@code fluxctl visit alice/db --secret SECRET}
 * @param healthCheck the agent's check of the local service; null for none (or an older control plane)
 * @param group       the load-balancing group it is a member of; null for none
 * @param groupKeyHash only in the agent configuration of a member: the hash of the group's key, which the agent hands
 *                    the node as the group key (the key itself is never answered)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RemoteTunnel(
        Long id,
        String name,
        String type,
        String localTarget,
        String subdomain,
        String customDomain,
        Integer remotePort,
        String state,
        Boolean enabled,
        String publicUrl,
        Long bytesIn,
        Long bytesOut,
        Long connections,
        String basicAuth,
        String tlsTermination,
        Policies policies,
        List<String> allowUsers,
        String visitCommand,
        HealthCheck healthCheck,
        String group,
        String groupKeyHash) {

    /** A tunnel from a control plane without load-balancing groups. */
    public RemoteTunnel(Long id, String name, String type, String localTarget, String subdomain, String customDomain,
                        Integer remotePort, String state, Boolean enabled, String publicUrl, Long bytesIn,
                        Long bytesOut, Long connections, String basicAuth, String tlsTermination, Policies policies,
                        List<String> allowUsers, String visitCommand, HealthCheck healthCheck) {
        this(id, name, type, localTarget, subdomain, customDomain, remotePort, state, enabled, publicUrl, bytesIn,
                bytesOut, connections, basicAuth, tlsTermination, policies, allowUsers, visitCommand, healthCheck,
                null, null);
    }

    /**
     * A health check as the control plane stores it (and as a request to it: omitted fields take its defaults).
     *
     * @param type {@code tcp} or {@code http}
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record HealthCheck(String type, String path, Integer expectStatus, Integer intervalSeconds,
                              Integer timeoutSeconds, Integer failureThreshold) {
    }

    /** A tunnel from a control plane without health checks. */
    public RemoteTunnel(Long id, String name, String type, String localTarget, String subdomain, String customDomain,
                        Integer remotePort, String state, Boolean enabled, String publicUrl, Long bytesIn,
                        Long bytesOut, Long connections, String basicAuth, String tlsTermination, Policies policies,
                        List<String> allowUsers, String visitCommand) {
        this(id, name, type, localTarget, subdomain, customDomain, remotePort, state, enabled, publicUrl, bytesIn,
                bytesOut, connections, basicAuth, tlsTermination, policies, allowUsers, visitCommand,
                (HealthCheck) null);
    }

    /**
     * A tunnel's policies as the control plane stores them.
     *
     * @param proxyProtocol {@code v1}, {@code v2} or null
     * @param bandwidthLimit bytes per second, 0 for none
     * @param maxConnections 0 for only the token's limit
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Policies(List<String> allowIps, List<String> denyIps, String proxyProtocol, long bandwidthLimit,
                           int maxConnections) {
    }

    /** A tunnel from a control plane without secret tunnels. */
    public RemoteTunnel(Long id, String name, String type, String localTarget, String subdomain, String customDomain,
                        Integer remotePort, String state, Boolean enabled, String publicUrl, Long bytesIn,
                        Long bytesOut, Long connections, String basicAuth, String tlsTermination, Policies policies) {
        this(id, name, type, localTarget, subdomain, customDomain, remotePort, state, enabled, publicUrl, bytesIn,
                bytesOut, connections, basicAuth, tlsTermination, policies, null, null, (HealthCheck) null);
    }

    /** Whether the agent should serve it; a control plane that does not say is taken to mean yes. */
    public boolean isEnabled() {
        return enabled == null || enabled;
    }

    @Override
    public String toString() {
        return "RemoteTunnel[id=" + id + ", name=" + name + ", type=" + type + ", localTarget=" + localTarget
                + ", subdomain=" + subdomain + ", customDomain=" + customDomain + ", remotePort=" + remotePort
                + ", enabled=" + enabled + ", basicAuth=" + (basicAuth == null ? null : "<redacted>") + ", group=" + group
                + "]";
    }
}

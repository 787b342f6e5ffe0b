package dev.flux.client.controlplane;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * The body of {@code POST /api/v1/tunnels}; null fields are left out, so the control plane picks its defaults.
 *
 * @param type        {@code http}, {@code https}, {@code tcp}, {@code udp}, {@code stcp}, {@code sudp} or
 *                    {@code xtcp}
 * @param localTarget {@code host:port} the agent forwards to
 * @param basicAuth   {@code user:password}, or null
 * @param tlsTermination https: {@code node} to have the node terminate TLS, {@code passthrough} or null (the
 *                    default) to pass TLS through to the local service
 * @param allowIps    CIDR blocks visitors must come from, or null
 * @param denyIps     CIDR blocks refused, or null
 * @param proxyProtocol {@code v1} or {@code v2}, or null
 * @param bandwidthLimit such as {@code 2MB}, or null
 * @param maxConnections open connections at once, or null
 * @param allowUsers  stcp/sudp/xtcp: user names that may visit besides the owner, or null for anyone holding the
 *                    secret (which is never sent)
 * @param healthCheck the agent's check of the local service, or null for none
 * @param group       tcp/http: the load-balancing group to found or join, or null
 * @param groupKey    with {@code group}: its key (the control plane keeps only its hash and never answers it)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NewTunnelRequest(String name, String type, String localTarget, String subdomain, String customDomain,
                               Integer remotePort, String basicAuth, String tlsTermination, List<String> allowIps,
                               List<String> denyIps, String proxyProtocol, String bandwidthLimit,
                               Integer maxConnections, List<String> allowUsers,
                               RemoteTunnel.HealthCheck healthCheck, String group, String groupKey) {

    /** A request with every setting but a load-balancing group. */
    public NewTunnelRequest(String name, String type, String localTarget, String subdomain, String customDomain,
                            Integer remotePort, String basicAuth, String tlsTermination, List<String> allowIps,
                            List<String> denyIps, String proxyProtocol, String bandwidthLimit,
                            Integer maxConnections, List<String> allowUsers, RemoteTunnel.HealthCheck healthCheck) {
        this(name, type, localTarget, subdomain, customDomain, remotePort, basicAuth, tlsTermination, allowIps,
                denyIps, proxyProtocol, bandwidthLimit, maxConnections, allowUsers, healthCheck, null, null);
    }

    // the group key is a secret: never in a log line
    @Override
    public String toString() {
        return "NewTunnelRequest[name=" + name + ", type=" + type + ", localTarget=" + localTarget + ", group="
                + group + ", groupKey=" + (groupKey == null ? null : "<redacted>") + "]";
    }

    /** A request with every setting but a health check. */
    public NewTunnelRequest(String name, String type, String localTarget, String subdomain, String customDomain,
                            Integer remotePort, String basicAuth, String tlsTermination, List<String> allowIps,
                            List<String> denyIps, String proxyProtocol, String bandwidthLimit,
                            Integer maxConnections, List<String> allowUsers) {
        this(name, type, localTarget, subdomain, customDomain, remotePort, basicAuth, tlsTermination, allowIps,
                denyIps, proxyProtocol, bandwidthLimit, maxConnections, allowUsers, (RemoteTunnel.HealthCheck) null);
    }

    /** A request with https settings and policies, for any type but a secret one. */
    public NewTunnelRequest(String name, String type, String localTarget, String subdomain, String customDomain,
                            Integer remotePort, String basicAuth, String tlsTermination, List<String> allowIps,
                            List<String> denyIps, String proxyProtocol, String bandwidthLimit,
                            Integer maxConnections) {
        this(name, type, localTarget, subdomain, customDomain, remotePort, basicAuth, tlsTermination, allowIps,
                denyIps, proxyProtocol, bandwidthLimit, maxConnections, null);
    }

    /** A request without https settings or policies. */
    public NewTunnelRequest(String name, String type, String localTarget, String subdomain, String customDomain,
                            Integer remotePort, String basicAuth) {
        this(name, type, localTarget, subdomain, customDomain, remotePort, basicAuth, null, null, null, null, null,
                null);
    }
}

package dev.flux.client.config;

import dev.flux.protocol.control.TunnelPolicy;
import dev.flux.protocol.net.ProxyProtocol;
import java.util.List;

/**
 * One tunnel an agent opens. The http-only components are null (or empty) on a tcp or udp tunnel, and
 * {@code remotePort} is 0 on an http tunnel.
 *
 * @param name unique within the agent, {@code [A-Za-z0-9_.-]{1,64}}
 * @param type {@value #TCP}, {@value #UDP} or {@value #HTTP}
 * @param localIp address of the local service
 * @param localPort port of the local service
 * @param remotePort tcp and udp: the port to ask the node for, 0 to let it choose
 * @param subdomain http: a single lower-case DNS label under the node's subdomain host, or null
 * @param customDomains http: full host names routed to this tunnel; http tunnels have a subdomain or at least one
 * @param hostHeaderRewrite http: Host header sent to the local service, or null to pass it on unchanged
 * @param httpUser http: basic-auth user the node asks visitors for, or null; set together with the password
 * @param httpPassword http: basic-auth password, or null
 * @param tlsTermination https: {@code passthrough} (the local service speaks TLS; the default) or {@code node} (the
 *                       node terminates TLS and the local service speaks plain HTTP); null on other types
 * @param policy what the node enforces: IP rules, bandwidth and connection limits, load-balancing group
 * @param proxyProtocol tcp and http: the PROXY protocol header written first to the local service, or null for none
 * @param healthCheck the local service's health check, or null for none
 * @param secretKey stcp and sudp: the secret visitors must hold; the traffic is encrypted end to end with keys
 *                  derived from it. Never sent to the node. Null on other types.
 * @param allowUsers stcp and sudp: who may visit (token names standalone, user names with a control plane); empty:
 *                   anyone holding the secret
 */
public record TunnelConfig(
        String name,
        String type,
        String localIp,
        int localPort,
        int remotePort,
        String subdomain,
        List<String> customDomains,
        String hostHeaderRewrite,
        String httpUser,
        String httpPassword,
        String tlsTermination,
        TunnelPolicy policy,
        ProxyProtocol proxyProtocol,
        HealthCheckConfig healthCheck,
        String secretKey,
        List<String> allowUsers) {

    /** The {@code type} of a tunnel that forwards a TCP port on the node. */
    public static final String TCP = "tcp";
    /** The {@code type} of a tunnel that forwards a UDP port on the node, one session per visitor address. */
    public static final String UDP = "udp";
    /** The {@code type} of a tunnel the node routes HTTP requests to by host name. */
    public static final String HTTP = "http";
    /** The {@code type} of a tunnel the node routes TLS connections to by SNI host name. */
    public static final String HTTPS = "https";
    /** The {@code type} of a secret TCP tunnel: reached only by visitors holding its secret, encrypted end to end. */
    public static final String STCP = "stcp";
    /** The {@code type} of a secret UDP tunnel: reached only by visitors holding its secret, encrypted end to end. */
    public static final String SUDP = "sudp";
    /**
     * The {@code type} of a peer-to-peer secret TCP tunnel: like {@value #STCP}, but visitors punch a UDP path to the
     * owner and relay through the node only when that fails.
     */
    public static final String XTCP = "xtcp";

    public TunnelConfig {
        customDomains = List.copyOf(customDomains);
        policy = policy == null ? TunnelPolicy.NONE : policy;
        allowUsers = allowUsers == null ? List.of() : List.copyOf(allowUsers);
    }

    /** A tunnel without https settings, policies or a secret. */
    public TunnelConfig(String name, String type, String localIp, int localPort, int remotePort, String subdomain,
                        List<String> customDomains, String hostHeaderRewrite, String httpUser, String httpPassword) {
        this(name, type, localIp, localPort, remotePort, subdomain, customDomains, hostHeaderRewrite, httpUser,
                httpPassword, null, TunnelPolicy.NONE, null, null, null, List.of());
    }

    /** A tunnel with https settings and no policies. */
    public TunnelConfig(String name, String type, String localIp, int localPort, int remotePort, String subdomain,
                        List<String> customDomains, String hostHeaderRewrite, String httpUser, String httpPassword,
                        String tlsTermination) {
        this(name, type, localIp, localPort, remotePort, subdomain, customDomains, hostHeaderRewrite, httpUser,
                httpPassword, tlsTermination, TunnelPolicy.NONE, null, null, null, List.of());
    }

    /** A tunnel with policies and no https settings. */
    public TunnelConfig(String name, String type, String localIp, int localPort, int remotePort, String subdomain,
                        List<String> customDomains, String hostHeaderRewrite, String httpUser, String httpPassword,
                        TunnelPolicy policy, ProxyProtocol proxyProtocol, HealthCheckConfig healthCheck) {
        this(name, type, localIp, localPort, remotePort, subdomain, customDomains, hostHeaderRewrite, httpUser,
                httpPassword, null, policy, proxyProtocol, healthCheck, null, List.of());
    }

    /** A tunnel with https settings and policies, no secret. */
    public TunnelConfig(String name, String type, String localIp, int localPort, int remotePort, String subdomain,
                        List<String> customDomains, String hostHeaderRewrite, String httpUser, String httpPassword,
                        String tlsTermination, TunnelPolicy policy, ProxyProtocol proxyProtocol,
                        HealthCheckConfig healthCheck) {
        this(name, type, localIp, localPort, remotePort, subdomain, customDomains, hostHeaderRewrite, httpUser,
                httpPassword, tlsTermination, policy, proxyProtocol, healthCheck, null, List.of());
    }

    /** A secret tunnel (stcp, sudp): its secret and who may visit; no https settings or policies. */
    public TunnelConfig(String name, String type, String localIp, int localPort, int remotePort, String subdomain,
                        List<String> customDomains, String hostHeaderRewrite, String httpUser, String httpPassword,
                        String secretKey, List<String> allowUsers) {
        this(name, type, localIp, localPort, remotePort, subdomain, customDomains, hostHeaderRewrite, httpUser,
                httpPassword, null, TunnelPolicy.NONE, null, null, secretKey, allowUsers);
    }

    /** True for the types reached only through visitors ({@value #STCP}, {@value #SUDP}). */
    public boolean secret() {
        return STCP.equals(type) || SUDP.equals(type) || XTCP.equals(type);
    }

    // Records print every component; an agent that logs its tunnels must not log a password.
    @Override
    public String toString() {
        return "TunnelConfig[name=" + name + ", type=" + type + ", localIp=" + localIp + ", localPort=" + localPort
                + ", remotePort=" + remotePort + ", subdomain=" + subdomain + ", customDomains=" + customDomains
                + ", hostHeaderRewrite=" + hostHeaderRewrite + ", httpUser=" + httpUser + ", httpPassword="
                + (httpPassword == null ? null : "<redacted>") + ", tlsTermination=" + tlsTermination + ", policy="
                + policy + ", proxyProtocol=" + proxyProtocol + ", healthCheck=" + healthCheck + ", secretKey="
                + (secretKey == null ? null : "<redacted>") + ", allowUsers=" + allowUsers + "]";
    }
}

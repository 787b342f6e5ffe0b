package dev.flux.protocol.control;

import java.util.List;

/**
 * Agent → node: expose a tunnel.
 *
 * @param name              unique per agent
 * @param tunnelType        {@code tcp}, {@code udp}, {@code http} or {@code https}
 * @param localAddress      the local target as the agent sees it ({@code host:port}), for error pages and logs
 * @param remotePort        tcp only: requested port, 0 to let the node allocate one
 * @param subdomain         http only: a label under the node's subdomain host, or null
 * @param customDomains     http and https only: full host names, may be empty
 * @param hostHeaderRewrite http only: value for the Host header sent to the local service, or null
 * @param httpUser          http only: basic-auth user required from visitors, or null
 * @param httpPassword      http only: basic-auth password, or null
 * @param tlsTermination    https only: {@value #TLS_NODE} to terminate TLS at the node, or null (or
 *                          {@value #TLS_PASSTHROUGH}) to pass the visitor's TLS through to the local service;
 *                          absent in the JSON of older agents
 * @param policy            access, rate and group settings the node enforces; {@link TunnelPolicy#NONE} when an
 *                          older agent sends none
 * @param allowUsers        stcp/sudp only: who may visit (token names standalone, user names with a control
 *                          plane); empty or absent: anyone holding the secret. The secret itself never reaches the
 *                          node.
 */
public record RegisterTunnel(String name, String tunnelType, String localAddress, int remotePort, String subdomain,
                             List<String> customDomains, String hostHeaderRewrite, String httpUser,
                             String httpPassword, String tlsTermination, TunnelPolicy policy,
                             List<String> allowUsers) implements ControlMessage {

    /** {@code tlsTermination} of an https tunnel whose TLS the local service terminates (the default). */
    public static final String TLS_PASSTHROUGH = "passthrough";
    /** {@code tlsTermination} of an https tunnel whose TLS the node terminates. */
    public static final String TLS_NODE = "node";

    /** A registration without https settings or policy. */
    public RegisterTunnel(String name, String tunnelType, String localAddress, int remotePort, String subdomain,
                          List<String> customDomains, String hostHeaderRewrite, String httpUser,
                          String httpPassword) {
        this(name, tunnelType, localAddress, remotePort, subdomain, customDomains, hostHeaderRewrite, httpUser,
                httpPassword, null, TunnelPolicy.NONE, List.of());
    }

    /** True for an https tunnel whose TLS the node terminates. */
    public boolean terminatesAtNode() {
        return TLS_NODE.equals(tlsTermination);
    }

    public RegisterTunnel {
        customDomains = customDomains == null ? List.of() : List.copyOf(customDomains);
        policy = policy == null ? TunnelPolicy.NONE : policy;
        allowUsers = allowUsers == null ? List.of() : List.copyOf(allowUsers);
    }

    /** A registration with https settings and no policy. */
    public RegisterTunnel(String name, String tunnelType, String localAddress, int remotePort, String subdomain,
                          List<String> customDomains, String hostHeaderRewrite, String httpUser,
                          String httpPassword, String tlsTermination) {
        this(name, tunnelType, localAddress, remotePort, subdomain, customDomains, hostHeaderRewrite, httpUser,
                httpPassword, tlsTermination, TunnelPolicy.NONE, List.of());
    }

    /** A registration with a policy and no https settings. */
    public RegisterTunnel(String name, String tunnelType, String localAddress, int remotePort, String subdomain,
                          List<String> customDomains, String hostHeaderRewrite, String httpUser,
                          String httpPassword, TunnelPolicy policy) {
        this(name, tunnelType, localAddress, remotePort, subdomain, customDomains, hostHeaderRewrite, httpUser,
                httpPassword, null, policy, List.of());
    }

    /** This registration with another policy. */
    public RegisterTunnel withPolicy(TunnelPolicy newPolicy) {
        return new RegisterTunnel(name, tunnelType, localAddress, remotePort, subdomain, customDomains,
                hostHeaderRewrite, httpUser, httpPassword, tlsTermination, newPolicy, allowUsers);
    }

    /** A secret-tunnel (stcp, sudp) registration: who may visit; no https settings or policy. */
    public RegisterTunnel(String name, String tunnelType, String localAddress, int remotePort, String subdomain,
                          List<String> customDomains, String hostHeaderRewrite, String httpUser,
                          String httpPassword, List<String> allowUsers) {
        this(name, tunnelType, localAddress, remotePort, subdomain, customDomains, hostHeaderRewrite, httpUser,
                httpPassword, null, TunnelPolicy.NONE, allowUsers);
    }

    @Override
    public String toString() {
        return "RegisterTunnel[name=" + name + ", tunnelType=" + tunnelType + ", localAddress=" + localAddress
                + ", remotePort=" + remotePort + ", subdomain=" + subdomain + ", customDomains=" + customDomains
                + ", basicAuth=" + (httpUser != null) + ", tlsTermination=" + tlsTermination + ", policy=" + policy
                + ", allowUsers=" + allowUsers + "]";
    }
}

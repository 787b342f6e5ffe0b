package dev.flux.protocol.control;

import java.util.List;

/**
 * Agent → node: expose a tunnel.
 *
 * @param name              unique per agent
 * @param tunnelType        {@code tcp} or {@code http}
 * @param localAddress      the local target as the agent sees it ({@code host:port}), for error pages and logs
 * @param remotePort        tcp only: requested port, 0 to let the node allocate one
 * @param subdomain         http only: a label under the node's subdomain host, or null
 * @param customDomains     http only: full host names, may be empty
 * @param hostHeaderRewrite http only: value for the Host header sent to the local service, or null
 * @param httpUser          http only: basic-auth user required from visitors, or null
 * @param httpPassword      http only: basic-auth password, or null
 * @param allowUsers        stcp/sudp only: who may visit (token names standalone, user names with a control
 *                          plane); empty or absent: anyone holding the secret. The secret itself never reaches the
 *                          node.
 */
public record RegisterTunnel(String name, String tunnelType, String localAddress, int remotePort, String subdomain,
                             List<String> customDomains, String hostHeaderRewrite, String httpUser,
                             String httpPassword, List<String> allowUsers) implements ControlMessage {

    public RegisterTunnel {
        customDomains = customDomains == null ? List.of() : List.copyOf(customDomains);
        allowUsers = allowUsers == null ? List.of() : List.copyOf(allowUsers);
    }

    /** A registration without the secret-tunnel components (tcp, udp, http). */
    public RegisterTunnel(String name, String tunnelType, String localAddress, int remotePort, String subdomain,
                          List<String> customDomains, String hostHeaderRewrite, String httpUser,
                          String httpPassword) {
        this(name, tunnelType, localAddress, remotePort, subdomain, customDomains, hostHeaderRewrite, httpUser,
                httpPassword, List.of());
    }

    @Override
    public String toString() {
        return "RegisterTunnel[name=" + name + ", tunnelType=" + tunnelType + ", localAddress=" + localAddress
                + ", remotePort=" + remotePort + ", subdomain=" + subdomain + ", customDomains=" + customDomains
                + ", basicAuth=" + (httpUser != null) + ", allowUsers=" + allowUsers + "]";
    }
}

package dev.flux.client.config;

/**
 * A visitor: a local port ({@code bindAddr:bindPort}) whose connections (stcp) or datagram peers (sudp) each become
 * an end-to-end encrypted stream through the node to a secret tunnel's local service.
 *
 * @param name unique among the agent's visitors, {@code [A-Za-z0-9_.-]{1,64}}
 * @param type {@value TunnelConfig#STCP} or {@value TunnelConfig#SUDP}, the type of the tunnel it visits
 * @param serverName the secret tunnel's name
 * @param serverUser the tunnel's owner (token name standalone, user name with a control plane), or null: the only
 *                   tunnel of that name, or the visitor's own
 * @param secretKey the tunnel's secret
 * @param bindAddr local address to listen on
 * @param bindPort local port to listen on; 0 picks a free one
 */
public record VisitorConfig(String name, String type, String serverName, String serverUser, String secretKey,
                            String bindAddr, int bindPort) {

    // Records print every component; an agent that logs its visitors must not log a secret.
    @Override
    public String toString() {
        return "VisitorConfig[name=" + name + ", type=" + type + ", serverName=" + serverName + ", serverUser="
                + serverUser + ", secretKey=<redacted>, bindAddr=" + bindAddr + ", bindPort=" + bindPort + "]";
    }
}

package dev.flux.client.config;

import java.util.List;

/**
 * An agent's settings, as read from {@code flux.toml} by {@link AgentConfigLoader}, which applies every default
 * and checks every constraint.
 *
 * @param serverAddr host name or address of the node
 * @param serverPort the node's tunnel port
 * @param token the credential the agent logs in with
 * @param tls how the agent checks the node's certificate
 * @param tunnels the tunnels to open; names unique; empty only when there are visitors
 * @param visitors the local ports that reach secret tunnels (stcp, sudp) of this or other agents
 */
public record AgentConfig(String serverAddr, int serverPort, String token, TlsConfig tls, List<TunnelConfig> tunnels,
                          List<VisitorConfig> visitors) {

    public AgentConfig {
        tunnels = List.copyOf(tunnels);
        visitors = visitors == null ? List.of() : List.copyOf(visitors);
    }

    /** An agent with tunnels only. */
    public AgentConfig(String serverAddr, int serverPort, String token, TlsConfig tls, List<TunnelConfig> tunnels) {
        this(serverAddr, serverPort, token, tls, tunnels, List.of());
    }

    // Records print every component; an agent that logs its configuration must not log its credential.
    @Override
    public String toString() {
        return "AgentConfig[serverAddr=" + serverAddr + ", serverPort=" + serverPort + ", token=<redacted>, tls="
                + tls + ", tunnels=" + tunnels + ", visitors=" + visitors + "]";
    }
}

package dev.flux.client.controlplane;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * What an agent serves, from {@code GET /api/v1/agent/config}: the caller's tunnels and the nodes to serve them on.
 *
 * @param version changes whenever the caller's tunnels change; passed back as {@code after} to wait for the next
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AgentConfiguration(long version, String username, List<Node> nodes, List<RemoteTunnel> tunnels) {

    public AgentConfiguration {
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        tunnels = tunnels == null ? List.of() : List.copyOf(tunnels);
    }

    /** A node agents connect to; the agent pins its certificate's {@code fingerprint} ({@code SHA256:...}). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Node(String name, String tunnelHost, int tunnelPort, String fingerprint, boolean online) {
    }

    /** The node to connect to: the first online one, or null when none is online. */
    public Node onlineNode() {
        return nodes.stream().filter(Node::online).findFirst().orElse(null);
    }
}

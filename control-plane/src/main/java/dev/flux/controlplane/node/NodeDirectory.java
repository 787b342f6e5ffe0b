package dev.flux.controlplane.node;

import dev.flux.controlplane.ControlPlaneProperties;
import dev.flux.controlplane.api.ApiException;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

/** Resolves the node a request names (or none) to the scope its ports are allocated in. */
@Component
public class NodeDirectory {

    private final NodeRepository nodes;
    private final PortRange defaultPorts;

    NodeDirectory(NodeRepository nodes, ControlPlaneProperties properties) {
        this.nodes = nodes;
        this.defaultPorts = new PortRange(properties.ports().min(), properties.ports().max());
    }

    /** @throws ApiException 422 when the named node does not exist */
    public NodeScope resolve(@Nullable String nodeName) {
        if (nodeName == null) {
            return new NodeScope(null, null, defaultPorts);
        }
        Node node = nodes.findByName(nodeName).orElseThrow(() -> ApiException.unprocessable("unknown_node",
                "node '" + nodeName + "' does not exist"));
        return new NodeScope(node.id(), node.name(), node.ports());
    }

    /** The name of a node, for responses; null for null. */
    public @Nullable String nameOf(@Nullable Long nodeId) {
        return nodeId == null ? null : nodes.findById(nodeId).map(Node::name).orElse(null);
    }
}

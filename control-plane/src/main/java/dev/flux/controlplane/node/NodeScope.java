package dev.flux.controlplane.node;

import org.jspecify.annotations.Nullable;

/**
 * Where a port lives: on a named node, or in the control plane's default range when no node is named.
 *
 * @param nodeId null for the default scope
 */
public record NodeScope(@Nullable Long nodeId, @Nullable String nodeName, PortRange ports) {

    /** How messages name this scope: "node 'eu1'" or "the default port range". */
    public String describe() {
        return nodeName == null ? "the default port range" : "node '" + nodeName + "'";
    }
}

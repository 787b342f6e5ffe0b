package dev.flux.controlplane.nodeapi;

/** The node calling the node API, as established from its credential. */
record NodePrincipal(long nodeId, String name) {
}

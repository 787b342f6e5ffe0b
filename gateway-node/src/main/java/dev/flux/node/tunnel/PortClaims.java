package dev.flux.node.tunnel;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ports of one protocol on a node, held by tunnels or being bound for one. A port is claimed before its
 * listener is bound, so that two registrations racing for it get a clear refusal instead of a bind error.
 */
final class PortClaims<T extends Tunnel> {
    /** How messages name such a port: "port" or "UDP port". */
    private final String kind;
    private final Map<Integer, T> byPort = new HashMap<>();
    private final Map<Integer, String> binding = new HashMap<>();

    PortClaims(String kind) {
        this.kind = kind;
    }

    /** "port" or "UDP port", for messages. */
    String kind() {
        return kind;
    }

    /** The tunnels holding a port now. */
    synchronized List<T> holders() {
        return List.copyOf(byPort.values());
    }

    synchronized void reserve(int port, String tunnelName) throws TunnelRejectedException {
        T holder = byPort.get(port);
        if (holder != null || binding.containsKey(port)) {
            String who = holder != null ? "tunnel '" + holder.name() + "'" : "another tunnel";
            throw new TunnelRejectedException("remote " + kind + " " + port + " is already taken on the node (by "
                    + who                    + "); choose another remotePort or leave it out to let the node pick one", true);
        }
        binding.put(port, tunnelName);
    }

    synchronized boolean isReserved(int port) {
        return byPort.containsKey(port) || binding.containsKey(port);
    }

    synchronized void bound(int port, T tunnel) {
        binding.remove(port);
        byPort.put(port, tunnel);
    }

    synchronized void unreserve(int port) {
        binding.remove(port);
    }

    synchronized void release(int port, T tunnel) {
        byPort.remove(port, tunnel);
    }
}

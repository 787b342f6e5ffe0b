package dev.flux.node.mapping;

import java.util.List;

/**
 * Chooses the target of a static mapping for a new connection among the targets that are up: in turn
 * ({@code round_robin}), or the one with the fewest open connections, ties in turn ({@code least_connections}).
 * Thread-safe.
 */
final class TargetPicker {

    private final List<MappingTarget> targets;
    private final boolean leastConnections;
    private int cursor;

    TargetPicker(List<MappingTarget> targets, boolean leastConnections) {
        this.targets = List.copyOf(targets);
        this.leastConnections = leastConnections;
    }

    /** The target for the next connection, or null when every target is down. */
    synchronized MappingTarget next() {
        int n = targets.size();
        MappingTarget best = null;
        int bestIndex = -1;
        for (int i = 0; i < n; i++) {
            int index = (cursor + i) % n;
            MappingTarget t = targets.get(index);
            if (!t.up()) {
                continue;
            }
            if (best == null || leastConnections && t.connections() < best.connections()) {
                best = t;
                bestIndex = index;
            }
            if (!leastConnections) {
                break;
            }
        }
        if (best != null) {
            cursor = (bestIndex + 1) % n;
        }
        return best;
    }
}

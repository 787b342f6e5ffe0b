package dev.flux.protocol.control;

import java.util.List;

/**
 * What the node enforces on a tunnel besides routing it, carried in {@link RegisterTunnel#policy()}: who may
 * connect, how fast, how many at once, and which load-balancing group the tunnel joins. Every component has a "no
 * limit" value, so an agent only sends the policy when something is set.
 *
 * @param allowIps       CIDR blocks or addresses visitors must come from; empty admits every address
 * @param denyIps        CIDR blocks or addresses refused, checked before {@code allowIps}
 * @param bandwidthLimit bytes per second in each direction; 0 is unlimited
 * @param maxConnections open connections (UDP: visitor sessions) at once; 0 leaves only the token's limit
 * @param group          load-balancing group name, or null; tunnels of one type and group share one public address
 * @param groupKey       the secret that lets a tunnel join {@code group}; required with it
 */
public record TunnelPolicy(List<String> allowIps, List<String> denyIps, long bandwidthLimit, int maxConnections,
                           String group, String groupKey) {

    /** No restriction and no group. */
    public static final TunnelPolicy NONE = new TunnelPolicy(List.of(), List.of(), 0, 0, null, null);

    public TunnelPolicy {
        allowIps = allowIps == null ? List.of() : List.copyOf(allowIps);
        denyIps = denyIps == null ? List.of() : List.copyOf(denyIps);
        if (bandwidthLimit < 0) {
            throw new IllegalArgumentException("bandwidthLimit: " + bandwidthLimit + " (expected: >= 0)");
        }
        if (maxConnections < 0) {
            throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: >= 0)");
        }
    }

    // the group key is a secret: never in a log line
    @Override
    public String toString() {
        return "TunnelPolicy[allowIps=" + allowIps + ", denyIps=" + denyIps + ", bandwidthLimit=" + bandwidthLimit
                + ", maxConnections=" + maxConnections + ", group=" + group
                + ", groupKey=" + (groupKey == null ? null : "<redacted>") + "]";
    }
}

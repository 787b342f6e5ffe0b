package dev.flux.node.tunnel;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * A load-balancing group: tunnels of one type, registered by any number of agents under the same group name and
 * key, that share one public address (a port, or host names). The first member's registration binds the address;
 * later members join it, and the node spreads connections over the members round-robin. A member leaving takes
 * only its own connections with it; the address goes away with the last member.
 *
 * <p>An agent takes its tunnel out of the group while its health check fails (it unregisters the tunnel), so every
 * member here is one whose agent last found the local service healthy. Thread-safe.
 */
final class TunnelGroup {

    private final String type;
    private final String name;
    private final byte[] key;
    private final List<Tunnel> members = new ArrayList<>();
    private int cursor;

    TunnelGroup(String type, String name, String key) {
        this.type = type;
        this.name = name;
        this.key = key.getBytes(StandardCharsets.UTF_8);
    }

    String type() {
        return type;
    }

    String name() {
        return name;
    }

    /** Checks a joining tunnel's key in constant time. */
    boolean keyMatches(String candidate) {
        return candidate != null && MessageDigest.isEqual(key, candidate.getBytes(StandardCharsets.UTF_8));
    }

    synchronized void add(Tunnel member) {
        members.add(member);
    }

    /**
     * Removes a member; returns the member that now represents the group (holds its address in the registry), or
     * null when the group is empty.
     */
    synchronized Tunnel remove(Tunnel member) {
        int i = members.indexOf(member);
        if (i >= 0) {
            members.remove(i);
            if (i < cursor) {
                cursor--;
            }
        }
        return members.isEmpty() ? null : members.get(0);
    }

    /**
     * The member that takes the next connection: members in turn, skipping one whose connection limit is reached
     * while another has room. Null when the group is empty.
     */
    synchronized Tunnel next() {
        int n = members.size();
        if (n == 0) {
            return null;
        }
        for (int i = 0; i < n; i++) {
            Tunnel t = members.get(Math.floorMod(cursor + i, n));
            if (t.admitsConnection()) {
                cursor = Math.floorMod(cursor + i + 1, n);
                return t;
            }
        }
        Tunnel t = members.get(Math.floorMod(cursor, n));
        cursor = Math.floorMod(cursor + 1, n);
        return t;
    }

    synchronized List<Tunnel> members() {
        return List.copyOf(members);
    }

    @Override
    public String toString() {
        return type + " group '" + name + "'";
    }
}

package dev.flux.node.tunnel;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A load-balancing group: tunnels of one type, registered by any number of agents under the same group name and
 * key, that share one public address (a port, or host names). The first member's registration binds the address;
 * later members join it, and the node spreads connections over the members round-robin. A member leaving takes
 * only its own connections with it; the address goes away with the last member.
 *
 * <p>An agent takes its tunnel out of the group while its health check fails (it unregisters the tunnel), so every
 * member here is one whose agent last found the local service healthy. Thread-safe.
 *
 * @param <T> the members: tunnels, or plain names in tests
 */
final class TunnelGroup<T> {

    private final String type;
    private final String name;
    private final byte[] key;
    private final Predicate<T> hasRoom;
    private final List<T> members = new ArrayList<>();
    private int cursor;

    /** @param hasRoom whether a member can take one more connection now */
    TunnelGroup(String type, String name, String key, Predicate<T> hasRoom) {
        this.type = type;
        this.name = name;
        this.key = key.getBytes(StandardCharsets.UTF_8);
        this.hasRoom = hasRoom;
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

    synchronized void add(T member) {
        members.add(member);
    }

    /**
     * Removes a member; returns the member that now represents the group (holds its address in the registry), or
     * null when the group is empty.
     */
    synchronized T remove(T member) {
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
    synchronized T next() {
        int n = members.size();
        if (n == 0) {
            return null;
        }
        for (int i = 0; i < n; i++) {
            T t = members.get(Math.floorMod(cursor + i, n));
            if (hasRoom.test(t)) {
                cursor = Math.floorMod(cursor + i + 1, n);
                return t;
            }
        }
        T t = members.get(Math.floorMod(cursor, n));
        cursor = Math.floorMod(cursor + 1, n);
        return t;
    }

    synchronized List<T> members() {
        return List.copyOf(members);
    }

    @Override
    public String toString() {
        return type + " group '" + name + "'";
    }
}

package dev.flux.node.tunnel;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The visitor sessions of one UDP tunnel, by visitor address: at most {@link #maxSessions()} at once, each expiring
 * after {@link #idleNanos()} without traffic in either direction. Times are {@link System#nanoTime()} values passed
 * in by the caller, so that expiry can be tested without waiting.
 *
 * <p>Not thread-safe: a tunnel uses its table on its agent connection's event loop only.
 *
 * @param <S> what a session is; the table only keeps it
 */
final class UdpSessionTable<S> {

    private final int maxSessions;
    private final long idleNanos;
    /** In access order: the least recently active session comes first, so expiry stops at the first live one. */
    private final LinkedHashMap<InetSocketAddress, Entry<S>> sessions = new LinkedHashMap<>(16, 0.75f, true);

    UdpSessionTable(int maxSessions, long idleNanos) {
        if (maxSessions <= 0) {
            throw new IllegalArgumentException("maxSessions: " + maxSessions + " (expected: > 0)");
        }
        if (idleNanos <= 0) {
            throw new IllegalArgumentException("idleNanos: " + idleNanos + " (expected: > 0)");
        }
        this.maxSessions = maxSessions;
        this.idleNanos = idleNanos;
    }

    int maxSessions() {
        return maxSessions;
    }

    long idleNanos() {
        return idleNanos;
    }

    int size() {
        return sessions.size();
    }

    boolean isFull() {
        return sessions.size() >= maxSessions;
    }

    /** The session of a visitor, marked active at {@code now}; null when the visitor has none. */
    S touch(InetSocketAddress visitor, long now) {
        Entry<S> e = sessions.get(visitor);
        if (e == null) {
            return null;
        }
        e.lastActive = now;
        return e.session;
    }

    /**
     * Adds a visitor's session, active at {@code now}.
     *
     * @return false, adding nothing, when the table is full
     * @throws IllegalStateException when the visitor already has a session
     */
    boolean add(InetSocketAddress visitor, S session, long now) {
        if (isFull()) {
            return false;
        }
        Entry<S> previous = sessions.putIfAbsent(visitor, new Entry<>(session, now));
        if (previous != null) {
            throw new IllegalStateException("visitor " + visitor + " already has a session");
        }
        return true;
    }

    /** Removes a visitor's session if it is {@code session} (and not a newer one of the same visitor). */
    boolean remove(InetSocketAddress visitor, S session) {
        Entry<S> e = sessions.get(visitor);
        if (e == null || e.session != session) {
            return false;
        }
        sessions.remove(visitor);
        return true;
    }

    /** Removes and returns every session idle for {@link #idleNanos()} or longer at {@code now}, oldest first. */
    List<S> expire(long now) {
        List<S> expired = new ArrayList<>();
        for (Iterator<Entry<S>> it = sessions.values().iterator(); it.hasNext(); ) {
            Entry<S> e = it.next();
            if (now - e.lastActive < idleNanos) {
                break;
            }
            it.remove();
            expired.add(e.session);
        }
        return expired;
    }

    /** Removes and returns every session. */
    List<S> clear() {
        List<S> all = new ArrayList<>(sessions.size());
        for (Map.Entry<InetSocketAddress, Entry<S>> e : sessions.entrySet()) {
            all.add(e.getValue().session);
        }
        sessions.clear();
        return all;
    }

    private static final class Entry<S> {
        final S session;
        long lastActive;

        Entry(S session, long lastActive) {
            this.session = session;
            this.lastActive = lastActive;
        }
    }
}

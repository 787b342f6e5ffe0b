package dev.flux.controlplane.node;

import dev.flux.controlplane.db.Rows;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The {@code node_events} feed. An event is written in the transaction of the change it reports, so it exists
 * exactly when the change does, and wakes the nodes' long-polls when that transaction commits.
 */
@Repository
public class NodeEvents {

    /** The advisory lock that orders event inserts: commit order is then seq order. */
    private static final long ORDER_LOCK = 0x666c75786e6f6465L; // "fluxnode"

    private final JdbcClient jdbc;
    private final ChangeSignal signal;

    NodeEvents(JdbcClient jdbc, ChangeSignal signal) {
        this.jdbc = jdbc;
        this.signal = signal;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void publish(String kind, @Nullable Long tokenId, @Nullable Long userId, @Nullable Long tunnelId) {
        jdbc.sql("SELECT pg_advisory_xact_lock(:lock)").param("lock", ORDER_LOCK).query().listOfRows();
        jdbc.sql("""
                        INSERT INTO node_events (kind, token_id, user_id, tunnel_id)
                        VALUES (:kind, :tokenId, :userId, :tunnelId)""")
                .param("kind", kind)
                .param("tokenId", tokenId)
                .param("userId", userId)
                .param("tunnelId", tunnelId)
                .update();
        signal.fireAfterCommit();
    }

    /** Deletes events older than {@code days} days but the newest, so that the feed's position never goes back. */
    public int prune(int days) {
        return jdbc.sql("""
                        DELETE FROM node_events
                        WHERE at < now() - make_interval(days => :days)
                          AND seq < (SELECT max(seq) FROM node_events)""")
                .param("days", days)
                .update();
    }

    /** The seq of the newest event; 0 when there is none. */
    public long currentSeq() {
        return jdbc.sql("SELECT coalesce(max(seq), 0) FROM node_events").query(Long.class).single();
    }

    /** Events after {@code seq}, oldest first, at most {@code limit}. */
    public List<NodeEvent> after(long seq, int limit) {
        return jdbc.sql("""
                        SELECT seq, kind, token_id, user_id, tunnel_id FROM node_events
                        WHERE seq > :seq ORDER BY seq LIMIT :limit""")
                .param("seq", seq)
                .param("limit", limit)
                .query((rs, row) -> new NodeEvent(rs.getLong("seq"), rs.getString("kind"),
                        Rows.nullableLong(rs, "token_id"), Rows.nullableLong(rs, "user_id"),
                        Rows.nullableLong(rs, "tunnel_id")))
                .list();
    }
}

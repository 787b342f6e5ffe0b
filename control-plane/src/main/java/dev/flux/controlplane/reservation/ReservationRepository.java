package dev.flux.controlplane.reservation;

import dev.flux.controlplane.db.Rows;
import dev.flux.controlplane.node.NodeScope;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code reservations} table. Inserts never check first: the unique index on (kind, value, node) decides
 * who gets an address, so concurrent requests for one address cannot both win.
 */
@Repository
public class ReservationRepository {

    private static final String SELECT = """
            SELECT r.id, r.user_id, u.username, r.kind, r.value, r.node_id, n.name AS node, r.tunnel_id, r.created_at
            FROM reservations r JOIN users u ON u.id = r.user_id LEFT JOIN nodes n ON n.id = r.node_id
            """;

    private static final String SAME_NODE = "coalesce(node_id, 0) = coalesce(CAST(:nodeId AS bigint), 0)";

    private final JdbcClient jdbc;

    ReservationRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Takes an address unless someone holds it.
     *
     * @param tunnelId the tunnel whose claim this is; null for an explicit reservation
     * @return the new reservation, or empty when the address is held
     */
    public Optional<Reservation> insertIfFree(long userId, ReservationKind kind, String value, @Nullable Long nodeId,
                                              @Nullable Long tunnelId) {
        return jdbc.sql("""
                        INSERT INTO reservations (user_id, kind, value, node_id, tunnel_id)
                        VALUES (:userId, :kind, :value, :nodeId, :tunnelId)
                        ON CONFLICT DO NOTHING RETURNING id""")
                .param("userId", userId)
                .param("kind", kind.id())
                .param("value", value)
                .param("nodeId", nodeId)
                .param("tunnelId", tunnelId)
                .query(Long.class)
                .optional()
                .flatMap(this::findById);
    }

    /**
     * Takes a random free port of {@code scope}'s range. Two concurrent allocations may pick the same port; the
     * loser gets empty and tries again.
     *
     * @return the new reservation, or empty when the port picked was taken meanwhile or none is free
     */
    public Optional<Reservation> insertRandomFreePort(long userId, ReservationKind kind, NodeScope scope,
                                                      @Nullable Long tunnelId) {
        return jdbc.sql("""
                        INSERT INTO reservations (user_id, kind, value, node_id, tunnel_id)
                        SELECT :userId, :kind, p::text, CAST(:nodeId AS bigint), :tunnelId
                        FROM generate_series(CAST(:min AS integer), CAST(:max AS integer)) AS p
                        WHERE NOT EXISTS (SELECT 1 FROM reservations r WHERE r.kind = :kind AND r.value = p::text
                                          AND coalesce(r.node_id, 0) = coalesce(CAST(:nodeId AS bigint), 0))
                        ORDER BY random() LIMIT 1
                        ON CONFLICT DO NOTHING RETURNING id""")
                .param("userId", userId)
                .param("kind", kind.id())
                .param("nodeId", scope.nodeId())
                .param("tunnelId", tunnelId)
                .param("min", scope.ports().min())
                .param("max", scope.ports().max())
                .query(Long.class)
                .optional()
                .flatMap(this::findById);
    }

    /** Whether {@code scope} has any free port of this kind left. */
    public boolean hasFreePort(ReservationKind kind, NodeScope scope) {
        return jdbc.sql("""
                        SELECT count(*) < :size FROM reservations
                        WHERE kind = :kind AND coalesce(node_id, 0) = coalesce(CAST(:nodeId AS bigint), 0)
                          AND value::integer BETWEEN :min AND :max""")
                .param("size", scope.ports().max() - scope.ports().min() + 1)
                .param("kind", kind.id())
                .param("nodeId", scope.nodeId())
                .param("min", scope.ports().min())
                .param("max", scope.ports().max())
                .query(Boolean.class)
                .single();
    }

    /** Who holds an address, if anyone. */
    public Optional<Reservation> findHolder(ReservationKind kind, String value, @Nullable Long nodeId) {
        return jdbc.sql(SELECT + """
                        WHERE r.kind = :kind AND r.value = :value
                          AND coalesce(r.node_id, 0) = coalesce(CAST(:nodeId AS bigint), 0)""")
                .param("kind", kind.id())
                .param("value", value)
                .param("nodeId", nodeId)
                .query(ReservationRepository::map)
                .optional();
    }

    public Optional<Reservation> findById(long id) {
        return jdbc.sql(SELECT + "WHERE r.id = :id").param("id", id).query(ReservationRepository::map).optional();
    }

    /** The reservations of one user, or of everyone when {@code userId} is null. */
    public List<Reservation> findAll(@Nullable Long userId) {
        return jdbc.sql(SELECT + "WHERE (CAST(:userId AS bigint) IS NULL OR r.user_id = :userId) ORDER BY r.id")
                .param("userId", userId)
                .query(ReservationRepository::map)
                .list();
    }

    /** How many TCP and UDP ports the user holds, reserved or claimed by tunnels. */
    public int countPorts(long userId) {
        return jdbc.sql("SELECT count(*) FROM reservations WHERE user_id = :userId AND kind IN ('tcp_port', 'udp_port')")
                .param("userId", userId)
                .query(Integer.class)
                .single();
    }

    /**
     * What serves this explicitly reserved address, if anything: one of the user's tunnels ({@code tunnel 'web'}),
     * else a load-balancing group founded on it whose remaining members are other users' ({@code group 'shop'}).
     */
    public Optional<String> usedBy(Reservation reservation) {
        String condition = switch (reservation.kind()) {
            case SUBDOMAIN -> "subdomain = :value";
            case DOMAIN -> "custom_domain = :value";
            case TCP_PORT -> "type = 'tcp' AND remote_port = CAST(:value AS integer) AND " + SAME_NODE;
            case UDP_PORT -> "type = 'udp' AND remote_port = CAST(:value AS integer) AND " + SAME_NODE;
        };
        return jdbc.sql("""
                        SELECT CASE WHEN t.user_id = :userId THEN 'tunnel ''' || t.name || ''''
                                    ELSE 'group ''' || g.name || '''' END
                        FROM (SELECT name, user_id, group_id FROM tunnels
                              WHERE (user_id = :userId OR group_id IS NOT NULL) AND %s) t
                        LEFT JOIN tunnel_groups g ON g.id = t.group_id
                        ORDER BY t.user_id = :userId DESC LIMIT 1""".formatted(condition))
                .param("userId", reservation.userId())
                .param("value", reservation.value())
                .param("nodeId", reservation.nodeId())
                .query(String.class)
                .optional();
    }

    /** Turns a tunnel's claim into an explicit reservation, kept when the tunnel goes; returns it. */
    public Reservation keep(long id) {
        jdbc.sql("UPDATE reservations SET tunnel_id = NULL WHERE id = :id").param("id", id).update();
        return findById(id).orElseThrow();
    }

    public void delete(long id) {
        jdbc.sql("DELETE FROM reservations WHERE id = :id").param("id", id).update();
    }

    private static Reservation map(ResultSet rs, int row) throws SQLException {
        return new Reservation(rs.getLong("id"), rs.getLong("user_id"), rs.getString("username"),
                ReservationKind.of(rs.getString("kind")), rs.getString("value"), Rows.nullableLong(rs, "node_id"),
                rs.getString("node"), Rows.nullableLong(rs, "tunnel_id"), Rows.instant(rs, "created_at"));
    }
}

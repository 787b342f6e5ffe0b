package dev.flux.controlplane.tunnel;

import dev.flux.controlplane.db.Rows;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code tunnels} table. */
@Repository
public class TunnelRepository {

    private static final String SELECT = """
            SELECT t.id, t.user_id, u.username, t.name, t.type, t.local_target, t.subdomain, t.custom_domain,
                   t.remote_port, n.name AS node, t.state, t.created_at, t.last_seen_at
            FROM tunnels t JOIN users u ON u.id = t.user_id LEFT JOIN nodes n ON n.id = t.node_id
            """;

    private final JdbcClient jdbc;

    TunnelRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Inserts a tunnel. Unique indexes refuse a second tunnel of the user with this name, and any second tunnel on
     * the same subdomain, domain or port ({@link org.springframework.dao.DuplicateKeyException}).
     */
    public long insert(long userId, String name, TunnelType type, String localTarget, @Nullable String subdomain,
                       @Nullable String customDomain, @Nullable Integer remotePort, @Nullable Long nodeId) {
        return jdbc.sql("""
                        INSERT INTO tunnels (user_id, name, type, local_target, subdomain, custom_domain, remote_port,
                                             node_id)
                        VALUES (:userId, :name, :type, :localTarget, :subdomain, :customDomain, :remotePort, :nodeId)
                        RETURNING id""")
                .param("userId", userId)
                .param("name", name)
                .param("type", type.id())
                .param("localTarget", localTarget)
                .param("subdomain", subdomain)
                .param("customDomain", customDomain)
                .param("remotePort", remotePort)
                .param("nodeId", nodeId)
                .query(Long.class)
                .single();
    }

    public void setRemotePort(long id, int port) {
        jdbc.sql("UPDATE tunnels SET remote_port = :port WHERE id = :id").param("id", id).param("port", port).update();
    }

    public Optional<Tunnel> findById(long id) {
        return jdbc.sql(SELECT + "WHERE t.id = :id").param("id", id).query(TunnelRepository::map).optional();
    }

    /** The tunnels of one user, or of everyone when {@code userId} is null. */
    public List<Tunnel> findAll(@Nullable Long userId) {
        return jdbc.sql(SELECT + "WHERE (CAST(:userId AS bigint) IS NULL OR t.user_id = :userId) ORDER BY t.id")
                .param("userId", userId)
                .query(TunnelRepository::map)
                .list();
    }

    public int countByUser(long userId) {
        return jdbc.sql("SELECT count(*) FROM tunnels WHERE user_id = :userId").param("userId", userId)
                .query(Integer.class).single();
    }

    /** Deletes a tunnel; the addresses it claimed go with it (the reservations' foreign key cascades). */
    public void delete(long id) {
        jdbc.sql("DELETE FROM tunnels WHERE id = :id").param("id", id).update();
    }

    private static Tunnel map(ResultSet rs, int row) throws SQLException {
        return new Tunnel(rs.getLong("id"), rs.getLong("user_id"), rs.getString("username"), rs.getString("name"),
                TunnelType.of(rs.getString("type")), rs.getString("local_target"), rs.getString("subdomain"),
                rs.getString("custom_domain"), Rows.nullableInt(rs, "remote_port"), rs.getString("node"),
                rs.getString("state"), Rows.instant(rs, "created_at"), Rows.instant(rs, "last_seen_at"));
    }
}

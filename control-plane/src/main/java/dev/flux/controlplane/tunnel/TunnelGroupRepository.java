package dev.flux.controlplane.tunnel;

import dev.flux.controlplane.db.Rows;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code tunnel_groups} table and the group side of {@code tunnels} and {@code reservations}. */
@Repository
class TunnelGroupRepository {

    /** A group as stored: its key only as {@code sha256:<hex>}. */
    record Group(long id, String name, TunnelType type, String keyHash) {
        @Override
        public String toString() {
            return "Group[id=" + id + ", name=" + name + ", type=" + type.id() + "]";
        }
    }

    /** The address a group's members share (any member's; they all have the same). */
    record Address(long tunnelId, @Nullable String subdomain, @Nullable String customDomain,
                   @Nullable Integer remotePort, @Nullable Long nodeId, @Nullable String nodeName) {
    }

    private final JdbcClient jdbc;

    TunnelGroupRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Founds a group unless one of that name exists; an insert racing another waits for it (the unique constraint)
     * and then finds the name taken.
     *
     * @return the new group's id; empty when the name exists
     */
    Optional<Long> insertIfAbsent(String name, TunnelType type, String keyHash) {
        return jdbc.sql("""
                        INSERT INTO tunnel_groups (name, type, key_hash) VALUES (:name, :type, :keyHash)
                        ON CONFLICT (name) DO NOTHING RETURNING id""")
                .param("name", name)
                .param("type", type.id())
                .param("keyHash", keyHash)
                .query(Long.class)
                .optional();
    }

    /** The group of that name, its row locked until the transaction ends; empty when there is none (any more). */
    Optional<Group> lock(String name) {
        return jdbc.sql("SELECT id, name, type, key_hash FROM tunnel_groups WHERE name = :name FOR UPDATE")
                .param("name", name)
                .query((rs, row) -> new Group(rs.getLong("id"), rs.getString("name"),
                        TunnelType.of(rs.getString("type")), rs.getString("key_hash")))
                .optional();
    }

    /** A member's address (the oldest member but {@code except}); empty when the group has no other member. */
    Optional<Address> member(long groupId, long except) {
        return jdbc.sql("""
                        SELECT t.id, t.subdomain, t.custom_domain, t.remote_port, t.node_id, n.name AS node
                        FROM tunnels t LEFT JOIN nodes n ON n.id = t.node_id
                        WHERE t.group_id = :groupId AND t.id <> :except ORDER BY t.id LIMIT 1""")
                .param("groupId", groupId)
                .param("except", except)
                .query((rs, row) -> new Address(rs.getLong("id"), rs.getString("subdomain"),
                        rs.getString("custom_domain"), Rows.nullableInt(rs, "remote_port"),
                        Rows.nullableLong(rs, "node_id"), rs.getString("node")))
                .optional();
    }

    /** Gives a group that lost every member (its owners' accounts were deleted) to whoever founds it again. */
    void refound(long groupId, TunnelType type, String keyHash) {
        jdbc.sql("UPDATE tunnel_groups SET type = :type, key_hash = :keyHash WHERE id = :id")
                .param("id", groupId)
                .param("type", type.id())
                .param("keyHash", keyHash)
                .update();
    }

    void delete(long groupId) {
        jdbc.sql("DELETE FROM tunnel_groups WHERE id = :id").param("id", groupId).update();
    }

    /** The group a tunnel belongs to, locked; empty for a tunnel outside any group. */
    Optional<Group> lockOf(long tunnelId) {
        return jdbc.sql("""
                        SELECT g.id, g.name, g.type, g.key_hash FROM tunnel_groups g
                        JOIN tunnels t ON t.group_id = g.id WHERE t.id = :tunnelId FOR UPDATE OF g""")
                .param("tunnelId", tunnelId)
                .query((rs, row) -> new Group(rs.getLong("id"), rs.getString("name"),
                        TunnelType.of(rs.getString("type")), rs.getString("key_hash")))
                .optional();
    }

    /**
     * Hands the addresses a tunnel claimed (not explicit reservations) to another tunnel and its owner: the group
     * keeps its address when the member that founded it leaves.
     */
    void moveClaims(long fromTunnelId, long toTunnelId) {
        jdbc.sql("""
                        UPDATE reservations
                        SET tunnel_id = :to, user_id = (SELECT user_id FROM tunnels WHERE id = :to)
                        WHERE tunnel_id = :from""")
                .param("from", fromTunnelId)
                .param("to", toTunnelId)
                .update();
    }
}

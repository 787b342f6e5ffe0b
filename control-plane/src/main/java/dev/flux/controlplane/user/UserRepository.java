package dev.flux.controlplane.user;

import dev.flux.controlplane.db.Rows;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import dev.flux.controlplane.node.NodeEvent;
import dev.flux.controlplane.node.NodeEvents;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The {@code users} table. */
@Repository
public class UserRepository {

    private static final String SELECT = """
            SELECT id, username, password_hash, role, disabled, must_change_password, max_tunnels, max_ports, created_at
            FROM users
            """;

    private final JdbcClient jdbc;
    private final NodeEvents events;

    UserRepository(JdbcClient jdbc, NodeEvents events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    /**
     * Inserts a user unless the name is taken.
     *
     * @return the new user, or empty when {@code username} exists
     */
    public Optional<User> insertIfAbsent(String username, String passwordHash, Role role, int maxTunnels,
                                         int maxPorts) {
        return jdbc.sql("""
                        INSERT INTO users (username, password_hash, role, must_change_password, max_tunnels, max_ports)
                        VALUES (:username, :hash, :role, true, :maxTunnels, :maxPorts)
                        ON CONFLICT (username) DO NOTHING RETURNING id""")
                .param("username", username)
                .param("hash", passwordHash)
                .param("role", role.id())
                .param("maxTunnels", maxTunnels)
                .param("maxPorts", maxPorts)
                .query(Long.class)
                .optional()
                .flatMap(this::findById);
    }

    public Optional<User> findById(long id) {
        return jdbc.sql(SELECT + "WHERE id = :id").param("id", id).query(UserRepository::map).optional();
    }

    public Optional<User> findByUsername(String username) {
        return jdbc.sql(SELECT + "WHERE username = :username").param("username", username)
                .query(UserRepository::map).optional();
    }

    /**
     * Reads a user and locks its row until the transaction ends: operations that check one user's quota take this
     * lock first, so that two concurrent requests of one user cannot both pass the check.
     */
    public Optional<User> lock(long id) {
        return jdbc.sql(SELECT + "WHERE id = :id FOR UPDATE").param("id", id).query(UserRepository::map).optional();
    }

    public List<User> findAll() {
        return jdbc.sql(SELECT + "ORDER BY id").query(UserRepository::map).list();
    }

    public boolean exists() {
        return jdbc.sql("SELECT EXISTS (SELECT 1 FROM users)").query(Boolean.class).single();
    }

    /**
     * Changes whichever of the settings are not null. Disabling an account tells the nodes (a
     * {@code user_disabled} event in the same transaction), which close its agents' sessions.
     */
    @Transactional
    public void update(long id, @Nullable Boolean disabled, @Nullable Role role, @Nullable Integer maxTunnels,
                       @Nullable Integer maxPorts) {
        boolean wasDisabled = jdbc.sql("SELECT disabled FROM users WHERE id = :id FOR UPDATE").param("id", id)
                .query(Boolean.class).optional().orElse(true);
        jdbc.sql("""
                        UPDATE users SET disabled = coalesce(:disabled, disabled),
                                         role = coalesce(:role, role),
                                         max_tunnels = coalesce(:maxTunnels, max_tunnels),
                                         max_ports = coalesce(:maxPorts, max_ports)
                        WHERE id = :id""")
                .param("id", id)
                .param("disabled", disabled)
                .param("role", role == null ? null : role.id())
                .param("maxTunnels", maxTunnels)
                .param("maxPorts", maxPorts)
                .update();
        if (!wasDisabled && Boolean.TRUE.equals(disabled)) {
            events.publish(NodeEvent.USER_DISABLED, null, id, null);
        }
    }

    public void setPassword(long id, String passwordHash, boolean mustChange) {
        jdbc.sql("UPDATE users SET password_hash = :hash, must_change_password = :mustChange WHERE id = :id")
                .param("id", id)
                .param("hash", passwordHash)
                .param("mustChange", mustChange)
                .update();
    }

    private static User map(ResultSet rs, int row) throws SQLException {
        return new User(rs.getLong("id"), rs.getString("username"), rs.getString("password_hash"),
                Role.of(rs.getString("role")), rs.getBoolean("disabled"), rs.getBoolean("must_change_password"),
                rs.getInt("max_tunnels"), rs.getInt("max_ports"), Rows.instant(rs, "created_at"));
    }
}

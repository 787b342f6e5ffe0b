package dev.flux.controlplane.node;

import dev.flux.controlplane.db.Rows;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code nodes} table. */
@Repository
public class NodeRepository {

    private static final String SELECT = """
            SELECT id, name, public_host, subdomain_host, port_min, port_max, last_heartbeat_at, created_at FROM nodes
            """;

    private final JdbcClient jdbc;

    NodeRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts a node unless the name is taken; empty when it is. */
    public Optional<Node> insertIfAbsent(String name, String publicHost, @Nullable String subdomainHost,
                                         PortRange ports, String credentialHash) {
        return jdbc.sql("""
                        INSERT INTO nodes (name, public_host, subdomain_host, port_min, port_max, credential_hash)
                        VALUES (:name, :publicHost, :subdomainHost, :min, :max, :hash)
                        ON CONFLICT (name) DO NOTHING RETURNING id""")
                .param("name", name)
                .param("publicHost", publicHost)
                .param("subdomainHost", subdomainHost)
                .param("min", ports.min())
                .param("max", ports.max())
                .param("hash", credentialHash)
                .query(Long.class)
                .optional()
                .flatMap(this::findById);
    }

    public Optional<Node> findById(long id) {
        return jdbc.sql(SELECT + "WHERE id = :id").param("id", id).query(NodeRepository::map).optional();
    }

    public Optional<Node> findByName(String name) {
        return jdbc.sql(SELECT + "WHERE name = :name").param("name", name).query(NodeRepository::map).optional();
    }

    public List<Node> findAll() {
        return jdbc.sql(SELECT + "ORDER BY name").query(NodeRepository::map).list();
    }

    private static Node map(ResultSet rs, int row) throws SQLException {
        return new Node(rs.getLong("id"), rs.getString("name"), rs.getString("public_host"),
                rs.getString("subdomain_host"), rs.getInt("port_min"), rs.getInt("port_max"),
                Rows.instant(rs, "last_heartbeat_at"), Rows.instant(rs, "created_at"));
    }
}

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
            SELECT id, name, public_host, subdomain_host, port_min, port_max, last_heartbeat_at, created_at,
                   tunnel_host, tunnel_port, http_port, https_port, fingerprint, version,
                   coalesce(last_heartbeat_at > now() - make_interval(secs => %d), false) AS online
            FROM nodes
            """.formatted(Node.OFFLINE_AFTER_SECONDS);

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

    /** The node whose credential hashes to {@code credentialHash}. */
    public Optional<Node> findByCredentialHash(String credentialHash) {
        return jdbc.sql(SELECT + "WHERE credential_hash = :hash").param("hash", credentialHash)
                .query(NodeRepository::map).optional();
    }

    /** Nodes that have registered (so agents know where to connect), by name. */
    public List<Node> findRegistered() {
        return jdbc.sql(SELECT + "WHERE tunnel_host IS NOT NULL ORDER BY name").query(NodeRepository::map).list();
    }

    /**
     * Records what a node reports when it (re)starts, and counts as a heartbeat. Tunnels it served before are
     * offline until their agents come back.
     *
     * @param subdomainHost null keeps the one set when the node was created
     */
    public void register(long id, String tunnelHost, int tunnelPort, @Nullable Integer httpPort,
                         @Nullable Integer httpsPort, @Nullable String subdomainHost, String fingerprint,
                         String version) {
        jdbc.sql("""
                        UPDATE nodes SET tunnel_host = :tunnelHost, tunnel_port = :tunnelPort, http_port = :httpPort,
                                         https_port = :httpsPort, subdomain_host = coalesce(:subdomainHost, subdomain_host),
                                         fingerprint = :fingerprint, version = :version, registered_at = now(),
                                         last_heartbeat_at = now()
                        WHERE id = :id""")
                .param("id", id)
                .param("tunnelHost", tunnelHost)
                .param("tunnelPort", tunnelPort)
                .param("httpPort", httpPort)
                .param("httpsPort", httpsPort)
                .param("subdomainHost", subdomainHost)
                .param("fingerprint", fingerprint)
                .param("version", version)
                .update();
        jdbc.sql("UPDATE tunnels SET state = 'offline' WHERE served_by = :id AND state = 'online'")
                .param("id", id).update();
    }

    public void heartbeat(long id) {
        jdbc.sql("UPDATE nodes SET last_heartbeat_at = now() WHERE id = :id").param("id", id).update();
    }

    private static Node map(ResultSet rs, int row) throws SQLException {
        return new Node(rs.getLong("id"), rs.getString("name"), rs.getString("public_host"),
                rs.getString("subdomain_host"), rs.getInt("port_min"), rs.getInt("port_max"),
                Rows.instant(rs, "last_heartbeat_at"), Rows.instant(rs, "created_at"), rs.getString("tunnel_host"),
                Rows.nullableInt(rs, "tunnel_port"), Rows.nullableInt(rs, "http_port"),
                Rows.nullableInt(rs, "https_port"), rs.getString("fingerprint"), rs.getString("version"),
                rs.getBoolean("online"));
    }
}

package dev.flux.controlplane.tunnel;

import dev.flux.controlplane.db.Rows;
import dev.flux.controlplane.node.ChangeSignal;
import dev.flux.controlplane.node.Node;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code tunnels} table, with each tunnel's traffic of the last 24 hours and the node that shows its URL. */
@Repository
public class TunnelRepository {

    // n: the node the tunnel is bound to; srv: the node serving it (online only while that node is);
    // url: the node its public URL is made from: the serving one, else the bound one, else the node heard from last
    private static final String SELECT = """
            SELECT t.id, t.user_id, u.username, t.name, t.type, t.local_target, t.subdomain, t.custom_domain,
                   t.remote_port, n.name AS node,
                   CASE WHEN t.state = 'online'
                             AND NOT coalesce(srv.last_heartbeat_at > now() - make_interval(secs => %d), false)
                        THEN 'offline' ELSE t.state END AS state,
                   t.enabled, t.created_at, t.last_seen_at, t.basic_auth, t.tls_termination,
                   url.public_host AS url_host, url.subdomain_host AS url_subdomain_host,
                   url.http_port AS url_http_port, url.https_port AS url_https_port,
                   traffic.bytes_in, traffic.bytes_out, traffic.connections,
                   t.allow_ips, t.deny_ips, t.proxy_protocol, t.bandwidth_limit, t.max_connections,
                   t.allow_users, t.health_check_type, t.health_check_path, t.health_check_expect_status,
                   t.health_check_interval, t.health_check_timeout, t.health_check_failures,
                   g.name AS group_name, g.key_hash AS group_key_hash
            FROM tunnels t
            JOIN users u ON u.id = t.user_id
            LEFT JOIN tunnel_groups g ON g.id = t.group_id
            LEFT JOIN nodes n ON n.id = t.node_id
            LEFT JOIN nodes srv ON srv.id = t.served_by
            LEFT JOIN LATERAL (
                SELECT un.public_host, un.subdomain_host, un.http_port, un.https_port FROM nodes un
                WHERE un.id = coalesce(t.served_by, t.node_id)
                   OR (t.served_by IS NULL AND t.node_id IS NULL AND un.tunnel_host IS NOT NULL)
                ORDER BY un.id = coalesce(t.served_by, t.node_id) DESC NULLS LAST,
                         un.last_heartbeat_at DESC NULLS LAST, un.id
                LIMIT 1) url ON true
            LEFT JOIN LATERAL (
                SELECT coalesce(sum(s.bytes_in), 0) AS bytes_in, coalesce(sum(s.bytes_out), 0) AS bytes_out,
                       coalesce(sum(s.connections), 0) AS connections
                FROM traffic_samples s WHERE s.tunnel_id = t.id AND s.minute > now() - interval '24 hours') traffic
                ON true
            """.formatted(Node.OFFLINE_AFTER_SECONDS);

    private final JdbcClient jdbc;
    private final ChangeSignal signal;

    TunnelRepository(JdbcClient jdbc, ChangeSignal signal) {
        this.jdbc = jdbc;
        this.signal = signal;
    }

    /**
     * Inserts a tunnel. Unique indexes refuse a second tunnel of the user with this name, and any second tunnel on
     * the same subdomain, domain or port ({@link org.springframework.dao.DuplicateKeyException}).
     */
    public long insert(long userId, String name, TunnelType type, String localTarget, @Nullable String subdomain,
                       @Nullable String customDomain, @Nullable Integer remotePort, @Nullable Long nodeId,
                       @Nullable String basicAuth) {
        return insert(userId, name, type, localTarget, subdomain, customDomain, remotePort, nodeId, basicAuth,
                type == TunnelType.HTTPS ? TunnelCatalog.TLS_PASSTHROUGH : null);
    }

    /** Inserts a tunnel with its https TLS termination ({@code passthrough} or {@code node}; null for other types). */
    public long insert(long userId, String name, TunnelType type, String localTarget, @Nullable String subdomain,
                       @Nullable String customDomain, @Nullable Integer remotePort, @Nullable Long nodeId,
                       @Nullable String basicAuth, @Nullable String tlsTermination) {
        return insert(userId, name, type, localTarget, subdomain, customDomain, remotePort, nodeId, basicAuth,
                tlsTermination, null);
    }

    /**
     * Inserts a tunnel, a member of a load-balancing group when {@code groupId} is set: the members of one group may
     * share an address, nothing else may (exclusion constraints named like the unique indexes they replaced).
     */
    public long insert(long userId, String name, TunnelType type, String localTarget, @Nullable String subdomain,
                       @Nullable String customDomain, @Nullable Integer remotePort, @Nullable Long nodeId,
                       @Nullable String basicAuth, @Nullable String tlsTermination, @Nullable Long groupId) {
        return jdbc.sql("""
                        INSERT INTO tunnels (user_id, name, type, local_target, subdomain, custom_domain, remote_port,
                                             node_id, basic_auth, tls_termination, group_id)
                        VALUES (:userId, :name, :type, :localTarget, :subdomain, :customDomain, :remotePort, :nodeId,
                                :basicAuth, :tlsTermination, :groupId)
                        RETURNING id""")
                .param("userId", userId)
                .param("name", name)
                .param("type", type.id())
                .param("localTarget", localTarget)
                .param("subdomain", subdomain)
                .param("customDomain", customDomain)
                .param("remotePort", remotePort)
                .param("nodeId", nodeId)
                .param("basicAuth", basicAuth)
                .param("tlsTermination", tlsTermination)
                .param("groupId", groupId)
                .query(Long.class)
                .single();
    }

    /** Stores a tunnel's policies. */
    public void setPolicies(long id, TunnelPolicies p) {
        jdbc.sql("""
                        UPDATE tunnels SET allow_ips = :allow, deny_ips = :deny, proxy_protocol = :proxy,
                                           bandwidth_limit = :bandwidth, max_connections = :maxConnections
                        WHERE id = :id""")
                .param("id", id)
                .param("allow", p.allowIps().toArray(String[]::new))
                .param("deny", p.denyIps().toArray(String[]::new))
                .param("proxy", p.proxyProtocol())
                .param("bandwidth", p.bandwidthLimit())
                .param("maxConnections", p.maxConnections())
                .update();
    }

    /** Stores who may visit a secret tunnel besides its owner (user names; empty: anyone holding the secret). */
    public void setAllowUsers(long id, List<String> allowUsers) {
        jdbc.sql("UPDATE tunnels SET allow_users = :allowUsers WHERE id = :id")
                .param("id", id)
                .param("allowUsers", allowUsers.toArray(String[]::new))
                .update();
    }

    /** Stores a tunnel's health check (checked, every field set). */
    public void setHealthCheck(long id, HealthCheck h) {
        jdbc.sql("""
                        UPDATE tunnels SET health_check_type = :type, health_check_path = :path,
                                           health_check_expect_status = :status, health_check_interval = :interval,
                                           health_check_timeout = :timeout, health_check_failures = :failures
                        WHERE id = :id""")
                .param("id", id)
                .param("type", h.type())
                .param("path", h.path())
                .param("status", h.expectStatus())
                .param("interval", h.intervalSeconds())
                .param("timeout", h.timeoutSeconds())
                .param("failures", h.failureThreshold())
                .update();
    }

    public void setRemotePort(long id, int port) {
        jdbc.sql("UPDATE tunnels SET remote_port = :port WHERE id = :id").param("id", id).param("port", port).update();
    }

    public Optional<Tunnel> findById(long id) {
        return jdbc.sql(SELECT + "WHERE t.id = :id").param("id", id).query(TunnelRepository::map).optional();
    }

    public Optional<Tunnel> findByName(long userId, String name) {
        return jdbc.sql(SELECT + "WHERE t.user_id = :userId AND t.name = :name")
                .param("userId", userId).param("name", name).query(TunnelRepository::map).optional();
    }

    /** The tunnels of one user, or of everyone when {@code userId} is null. */
    public List<Tunnel> findAll(@Nullable Long userId) {
        return jdbc.sql(SELECT + "WHERE (CAST(:userId AS bigint) IS NULL OR t.user_id = :userId) ORDER BY t.id")
                .param("userId", userId)
                .query(TunnelRepository::map)
                .list();
    }

    /** The name of the node that serves the tunnel now; empty while it is offline. */
    public Optional<String> servingNode(long id) {
        return jdbc.sql("""
                        SELECT n.name FROM tunnels t JOIN nodes n ON n.id = t.served_by
                        WHERE t.id = :id AND t.state = 'online'
                          AND n.last_heartbeat_at > now() - make_interval(secs => %d)""".formatted(
                        Node.OFFLINE_AFTER_SECONDS))
                .param("id", id)
                .query(String.class)
                .optional();
    }

    public int countByUser(long userId) {
        return jdbc.sql("SELECT count(*) FROM tunnels WHERE user_id = :userId").param("userId", userId)
                .query(Integer.class).single();
    }

    /** Deletes a tunnel; the addresses it claimed go with it (the reservations' foreign key cascades). */
    public void delete(long id) {
        jdbc.sql("DELETE FROM tunnels WHERE id = :id").param("id", id).update();
    }

    /**
     * Switches a tunnel on or off; a disabled tunnel's state is {@code disabled}, an enabled one starts offline.
     *
     * @return whether it changed
     */
    public boolean setEnabled(long id, boolean enabled) {
        return jdbc.sql("""
                        UPDATE tunnels SET enabled = :enabled,
                                           state = CASE WHEN :enabled THEN 'offline' ELSE 'disabled' END
                        WHERE id = :id AND enabled <> :enabled""")
                .param("id", id)
                .param("enabled", enabled)
                .update() > 0;
    }

    /** A node serves the tunnel now (unless it is disabled). */
    public void markOnline(long id, long nodeId) {
        jdbc.sql("""
                        UPDATE tunnels SET state = 'online', served_by = :nodeId, last_seen_at = now()
                        WHERE id = :id AND enabled""")
                .param("id", id)
                .param("nodeId", nodeId)
                .update();
    }

    /** Records where the agent forwards a tunnel to, as it last reported it. */
    public void setLocalTarget(long id, String localTarget) {
        jdbc.sql("UPDATE tunnels SET local_target = :localTarget WHERE id = :id AND local_target <> :localTarget")
                .param("id", id)
                .param("localTarget", localTarget)
                .update();
    }

    /** The node stopped serving the tunnel; a report from another node that serves it now changes nothing. */
    public void markOffline(long id, long nodeId) {
        jdbc.sql("""
                        UPDATE tunnels SET state = 'offline', last_seen_at = now()
                        WHERE id = :id AND served_by = :nodeId AND state = 'online'""")
                .param("id", id)
                .param("nodeId", nodeId)
                .update();
    }

    /**
     * Adds a node's traffic counts for a tunnel it serves to the sample of the current minute (one row per tunnel
     * and minute), and notes that the tunnel was seen.
     */
    public void addTraffic(long nodeId, long tunnelId, long bytesIn, long bytesOut, long connections) {
        if (bytesIn > 0 || bytesOut > 0 || connections > 0) {
            jdbc.sql("""
                        INSERT INTO traffic_samples (tunnel_id, minute, bytes_in, bytes_out, connections)
                        SELECT id, date_trunc('minute', now()), :bytesIn, :bytesOut, :connections
                        FROM tunnels WHERE id = :id AND served_by = :nodeId
                        ON CONFLICT (tunnel_id, minute) DO UPDATE
                        SET bytes_in = traffic_samples.bytes_in + excluded.bytes_in,
                            bytes_out = traffic_samples.bytes_out + excluded.bytes_out,
                            connections = traffic_samples.connections + excluded.connections""")
                .param("id", tunnelId)
                .param("nodeId", nodeId)
                .param("bytesIn", bytesIn)
                .param("bytesOut", bytesOut)
                .param("connections", connections)
                .update();
        }
        jdbc.sql("UPDATE tunnels SET last_seen_at = now() WHERE id = :id AND served_by = :nodeId AND state = 'online'")
                .param("id", tunnelId)
                .param("nodeId", nodeId)
                .update();
    }

    /**
     * Notes that a user's set of tunnels changed (added, removed, enabled, disabled): agents long-polling for
     * their configuration wake up once the transaction commits.
     */
    public void bumpVersion(long userId) {
        jdbc.sql("UPDATE users SET tunnels_version = tunnels_version + 1 WHERE id = :id").param("id", userId).update();
        signal.fireAfterCommit();
    }

    /** The version of a user's tunnels, see {@link #bumpVersion}. */
    public long version(long userId) {
        return jdbc.sql("SELECT tunnels_version FROM users WHERE id = :id").param("id", userId)
                .query(Long.class).optional().orElse(0L);
    }

    private static Tunnel map(ResultSet rs, int row) throws SQLException {
        TunnelType type = TunnelType.of(rs.getString("type"));
        String subdomain = rs.getString("subdomain");
        String customDomain = rs.getString("custom_domain");
        Integer remotePort = Rows.nullableInt(rs, "remote_port");
        String publicUrl = PublicUrls.of(type, subdomain, customDomain, remotePort, rs.getString("url_host"),
                rs.getString("url_subdomain_host"), Rows.nullableInt(rs, "url_http_port"),
                Rows.nullableInt(rs, "url_https_port"));
        return new Tunnel(rs.getLong("id"), rs.getLong("user_id"), rs.getString("username"), rs.getString("name"),
                type, rs.getString("local_target"), subdomain, customDomain, remotePort, rs.getString("node"),
                rs.getString("state"), rs.getBoolean("enabled"), publicUrl, rs.getLong("bytes_in"),
                rs.getLong("bytes_out"), rs.getLong("connections"), Rows.instant(rs, "created_at"),
                Rows.instant(rs, "last_seen_at"), rs.getString("basic_auth"), rs.getString("tls_termination"),
                policies(rs), List.of((String[]) rs.getArray("allow_users").getArray()),
                Tunnel.visitCommand(type, rs.getString("username"), rs.getString("name")), healthCheck(rs),
                rs.getString("group_name"), rs.getString("group_key_hash"));
    }

    private static @Nullable HealthCheck healthCheck(ResultSet rs) throws SQLException {
        String type = rs.getString("health_check_type");
        return type == null ? null : new HealthCheck(type, rs.getString("health_check_path"),
                Rows.nullableInt(rs, "health_check_expect_status"), Rows.nullableInt(rs, "health_check_interval"),
                Rows.nullableInt(rs, "health_check_timeout"), Rows.nullableInt(rs, "health_check_failures"));
    }

    private static TunnelPolicies policies(ResultSet rs) throws SQLException {
        return new TunnelPolicies(List.of((String[]) rs.getArray("allow_ips").getArray()),
                List.of((String[]) rs.getArray("deny_ips").getArray()), rs.getString("proxy_protocol"),
                rs.getLong("bandwidth_limit"), rs.getInt("max_connections"));
    }
}

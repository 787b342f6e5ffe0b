package dev.flux.controlplane.token;

import dev.flux.controlplane.db.Rows;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import dev.flux.controlplane.node.NodeEvent;
import dev.flux.controlplane.node.NodeEvents;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** The {@code api_tokens} table. Secrets never reach it: only their hashes. */
@Repository
public class ApiTokenRepository {

    private static final String SELECT = """
            SELECT t.id, t.user_id, u.username, t.name, t.prefix, t.scopes, t.expires_at, t.last_used_at,
                   t.revoked_at, t.created_at
            FROM api_tokens t JOIN users u ON u.id = t.user_id
            """;

    private final JdbcClient jdbc;
    private final NodeEvents events;

    ApiTokenRepository(JdbcClient jdbc, NodeEvents events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    /** Inserts a token and returns it as listed. */
    public ApiToken insert(long userId, String name, String prefix, String hash, List<String> scopes,
                           @Nullable Instant expiresAt) {
        long id = jdbc.sql("""
                        INSERT INTO api_tokens (user_id, name, prefix, hash, scopes, expires_at)
                        VALUES (:userId, :name, :prefix, :hash, :scopes, :expiresAt) RETURNING id""")
                .param("userId", userId)
                .param("name", name)
                .param("prefix", prefix)
                .param("hash", hash)
                .param("scopes", scopes.toArray(String[]::new))
                .param("expiresAt", Rows.param(expiresAt))
                .query(Long.class)
                .single();
        return findById(id).orElseThrow();
    }

    public Optional<ApiToken> findById(long id) {
        return jdbc.sql(SELECT + "WHERE t.id = :id").param("id", id).query(ApiTokenRepository::map).optional();
    }

    /** The tokens of one user, or of everyone when {@code userId} is null; newest first. */
    public List<ApiToken> findAll(@Nullable Long userId) {
        return jdbc.sql(SELECT + "WHERE (CAST(:userId AS bigint) IS NULL OR t.user_id = :userId) ORDER BY t.id DESC")
                .param("userId", userId)
                .query(ApiTokenRepository::map)
                .list();
    }

    /** The token whose secret hashes to {@code hash}, with its owner; revoked and expired ones too. */
    public Optional<TokenGrant> findGrant(String hash) {
        return jdbc.sql(GRANT + "WHERE t.hash = :hash").param("hash", hash).query(ApiTokenRepository::mapGrant)
                .optional();
    }

    /** Like {@link #findGrant} for a token id. */
    public Optional<TokenGrant> findGrantById(long id) {
        return jdbc.sql(GRANT + "WHERE t.id = :id").param("id", id).query(ApiTokenRepository::mapGrant).optional();
    }

    private static final String GRANT = """
            SELECT t.id, t.name, t.scopes, t.expires_at, t.revoked_at, u.id AS user_id, u.username, u.role, u.disabled
            FROM api_tokens t JOIN users u ON u.id = t.user_id
            """;

    private static TokenGrant mapGrant(ResultSet rs, int row) throws SQLException {
        return new TokenGrant(rs.getLong("id"), rs.getString("name"), Rows.strings(rs, "scopes"),
                Rows.instant(rs, "expires_at"), Rows.instant(rs, "revoked_at"), rs.getLong("user_id"),
                rs.getString("username"), "admin".equals(rs.getString("role")), rs.getBoolean("disabled"));
    }

    /**
     * Notes that a token was used. Writes at most once a minute per token, so that a busy client does not turn
     * every request into a write.
     */
    public void touch(long id) {
        jdbc.sql("""
                        UPDATE api_tokens SET last_used_at = now()
                        WHERE id = :id AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')""")
                .param("id", id)
                .update();
    }

    /**
     * Revokes a token; revoking a revoked one keeps the first time. A revocation tells the nodes (a
     * {@code token_revoked} event in the same transaction), which close the agent sessions it opened.
     */
    @Transactional
    public void revoke(long id) {
        jdbc.sql("UPDATE api_tokens SET revoked_at = now() WHERE id = :id AND revoked_at IS NULL RETURNING user_id")
                .param("id", id)
                .query(Long.class)
                .optional()
                .ifPresent(userId -> events.publish(NodeEvent.TOKEN_REVOKED, id, userId, null));
    }

    private static ApiToken map(ResultSet rs, int row) throws SQLException {
        return new ApiToken(rs.getLong("id"), rs.getLong("user_id"), rs.getString("username"), rs.getString("name"),
                rs.getString("prefix"), Rows.strings(rs, "scopes"), Rows.instant(rs, "expires_at"),
                Rows.instant(rs, "last_used_at"), Rows.instant(rs, "revoked_at"), Rows.instant(rs, "created_at"));
    }
}

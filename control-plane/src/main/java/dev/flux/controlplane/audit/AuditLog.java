package dev.flux.controlplane.audit;

import dev.flux.controlplane.db.Rows;
import jakarta.servlet.http.HttpServletRequest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit trail: one row per sign-in, token change and administrative action. A record joins the caller's
 * transaction, so an action that is rolled back leaves no event; refusals worth keeping (failed sign-ins) are
 * recorded outside one.
 */
@Repository
public class AuditLog {

    private static final TypeReference<Map<String, Object>> DETAIL = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final JsonMapper json;

    AuditLog(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * Records an event; the client address is taken from the current HTTP request, if there is one.
     *
     * @param detail extra facts (values must serialise to JSON); never secrets
     */
    public void record(String actor, String action, @Nullable String target, Map<String, ?> detail) {
        jdbc.sql("""
                        INSERT INTO audit_events (actor, action, target, ip, detail)
                        VALUES (:actor, :action, :target, :ip, CAST(:detail AS jsonb))""")
                .param("actor", actor)
                .param("action", action)
                .param("target", target)
                .param("ip", clientAddress())
                .param("detail", json.writeValueAsString(detail))
                .update();
    }

    /** The newest events first, optionally only those of one actor or action. */
    public List<AuditEvent> recent(@Nullable String actor, @Nullable String action, int limit) {
        return jdbc.sql("""
                        SELECT id, at, actor, action, target, ip, detail::text AS detail FROM audit_events
                        WHERE (CAST(:actor AS text) IS NULL OR actor = :actor)
                          AND (CAST(:action AS text) IS NULL OR action = :action)
                        ORDER BY at DESC, id DESC LIMIT :limit""")
                .param("actor", actor)
                .param("action", action)
                .param("limit", limit)
                .query(this::map)
                .list();
    }

    /**
     * The newest events first, filtered by any of: actor, action, and the time range {@code [from, to)}.
     */
    public List<AuditEvent> search(@Nullable String actor, @Nullable String action, @Nullable Instant from,
                                   @Nullable Instant to, int limit) {
        return jdbc.sql("""
                        SELECT id, at, actor, action, target, ip, detail::text AS detail FROM audit_events
                        WHERE (CAST(:actor AS text) IS NULL OR actor = :actor)
                          AND (CAST(:action AS text) IS NULL OR action = :action)
                          AND (CAST(:from AS timestamptz) IS NULL OR at >= :from)
                          AND (CAST(:to AS timestamptz) IS NULL OR at < :to)
                        ORDER BY at DESC, id DESC LIMIT :limit""")
                .param("actor", actor)
                .param("action", action)
                .param("from", Rows.param(from))
                .param("to", Rows.param(to))
                .param("limit", limit)
                .query(this::map)
                .list();
    }

    private AuditEvent map(ResultSet rs, int row) throws SQLException {
        return new AuditEvent(rs.getLong("id"), Rows.instant(rs, "at"),
                rs.getString("actor"), rs.getString("action"), rs.getString("target"), rs.getString("ip"),
                json.readValue(rs.getString("detail"), DETAIL));
    }

    private static @Nullable String clientAddress() {
        if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
            HttpServletRequest request = attributes.getRequest();
            return request.getRemoteAddr();
        }
        return null;
    }
}

package dev.flux.controlplane.device;

import dev.flux.controlplane.db.Rows;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code device_codes} table. Device codes are stored as their hashes only. */
@Repository
class DeviceCodeRepository {

    private static final String SELECT = """
            SELECT id, user_code, client_name, status, user_id, created_at, expires_at, last_polled_at
            FROM device_codes
            """;

    private final JdbcClient jdbc;

    DeviceCodeRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts a request; {@link org.springframework.dao.DuplicateKeyException} when the user code is in use. */
    void insert(String deviceCodeHash, String userCode, String clientName, Instant expiresAt) {
        jdbc.sql("""
                        INSERT INTO device_codes (device_code_hash, user_code, client_name, expires_at)
                        VALUES (:hash, :userCode, :clientName, :expiresAt)""")
                .param("hash", deviceCodeHash)
                .param("userCode", userCode)
                .param("clientName", clientName)
                .param("expiresAt", Rows.param(expiresAt))
                .update();
    }

    /** Forgets requests that expired more than an hour ago. */
    void deleteExpiredBefore(Instant before) {
        jdbc.sql("DELETE FROM device_codes WHERE expires_at < :before").param("before", Rows.param(before)).update();
    }

    /** The request of a device code, its row locked until the transaction ends. */
    Optional<DeviceRequest> lockByDeviceCodeHash(String hash) {
        return jdbc.sql(SELECT + "WHERE device_code_hash = :hash FOR UPDATE").param("hash", hash)
                .query(DeviceCodeRepository::map).optional();
    }

    /** The pending request with this user code, its row locked until the transaction ends. */
    Optional<DeviceRequest> lockPendingByUserCode(String userCode) {
        return jdbc.sql(SELECT + "WHERE user_code = :code AND status = 'pending' FOR UPDATE").param("code", userCode)
                .query(DeviceCodeRepository::map).optional();
    }

    void polled(long id, Instant at) {
        jdbc.sql("UPDATE device_codes SET last_polled_at = :at WHERE id = :id")
                .param("id", id).param("at", Rows.param(at)).update();
    }

    void decide(long id, String status, long userId) {
        jdbc.sql("UPDATE device_codes SET status = :status, user_id = :userId WHERE id = :id")
                .param("id", id).param("status", status).param("userId", userId).update();
    }

    void consume(long id) {
        jdbc.sql("UPDATE device_codes SET status = 'consumed' WHERE id = :id").param("id", id).update();
    }

    private static DeviceRequest map(ResultSet rs, int row) throws SQLException {
        return new DeviceRequest(rs.getLong("id"), rs.getString("user_code"), rs.getString("client_name"),
                rs.getString("status"), Rows.nullableLong(rs, "user_id"), Rows.instant(rs, "created_at"),
                Rows.instant(rs, "expires_at"), Rows.instant(rs, "last_polled_at"));
    }
}

package dev.flux.controlplane.certificate;

import dev.flux.controlplane.db.Rows;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code certificates} table. Only {@link #pemFor} reads the key, for nodes. */
@Repository
public class CertificateRepository {

    private static final String SELECT = """
            SELECT c.id, c.user_id, u.username, c.domain, c.subject, c.issuer, c.dns_names, c.not_before, c.not_after,
                   c.fingerprint, c.created_at
            FROM certificates c JOIN users u ON u.id = c.user_id
            """;

    private final JdbcClient jdbc;

    CertificateRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The PEM chain and key a node needs to terminate TLS for a domain. */
    public record Pem(String domain, String chainPem, String keyPem) {
        @Override
        public String toString() {
            return "Pem[domain=" + domain + ", keyPem=<redacted>]";
        }
    }

    /**
     * Stores a user's certificate for a domain, replacing the one the same user stored before.
     *
     * @return the id; empty when another user holds a certificate for the domain
     */
    Optional<Long> upsert(long userId, String domain, String chainPem, String keyPem, String subject, String issuer,
                          List<String> dnsNames, java.time.Instant notBefore, java.time.Instant notAfter,
                          String fingerprint) {
        return jdbc.sql("""
                        INSERT INTO certificates (user_id, domain, chain_pem, key_pem, subject, issuer, dns_names,
                                                  not_before, not_after, fingerprint)
                        VALUES (:userId, :domain, :chain, :key, :subject, :issuer, :dnsNames, :notBefore, :notAfter,
                                :fingerprint)
                        ON CONFLICT (domain) DO UPDATE
                        SET chain_pem = excluded.chain_pem, key_pem = excluded.key_pem, subject = excluded.subject,
                            issuer = excluded.issuer, dns_names = excluded.dns_names,
                            not_before = excluded.not_before, not_after = excluded.not_after,
                            fingerprint = excluded.fingerprint, created_at = now()
                        WHERE certificates.user_id = excluded.user_id
                        RETURNING id""")
                .param("userId", userId)
                .param("domain", domain)
                .param("chain", chainPem)
                .param("key", keyPem)
                .param("subject", subject)
                .param("issuer", issuer)
                .param("dnsNames", dnsNames.toArray(String[]::new))
                .param("notBefore", java.sql.Timestamp.from(notBefore))
                .param("notAfter", java.sql.Timestamp.from(notAfter))
                .param("fingerprint", fingerprint)
                .query(Long.class)
                .optional();
    }

    public Optional<Certificate> findById(long id) {
        return jdbc.sql(SELECT + "WHERE c.id = :id").param("id", id).query(CertificateRepository::map).optional();
    }

    /** The certificates of one user, or of everyone when {@code userId} is null. */
    public List<Certificate> findAll(@Nullable Long userId) {
        return jdbc.sql(SELECT + "WHERE (CAST(:userId AS bigint) IS NULL OR c.user_id = :userId) ORDER BY c.domain")
                .param("userId", userId)
                .query(CertificateRepository::map)
                .list();
    }

    /** The certificate and key of a domain, for the node that terminates TLS for it. */
    public Optional<Pem> pemFor(String domain) {
        return jdbc.sql("SELECT domain, chain_pem, key_pem FROM certificates WHERE domain = :domain")
                .param("domain", domain)
                .query((rs, row) -> new Pem(rs.getString("domain"), rs.getString("chain_pem"),
                        rs.getString("key_pem")))
                .optional();
    }

    public void delete(long id) {
        jdbc.sql("DELETE FROM certificates WHERE id = :id").param("id", id).update();
    }

    private static Certificate map(ResultSet rs, int row) throws SQLException {
        return new Certificate(rs.getLong("id"), rs.getLong("user_id"), rs.getString("username"),
                rs.getString("domain"), rs.getString("subject"), rs.getString("issuer"),
                List.of((String[]) rs.getArray("dns_names").getArray()), Rows.instant(rs, "not_before"),
                Rows.instant(rs, "not_after"), rs.getString("fingerprint"), Rows.instant(rs, "created_at"));
    }
}

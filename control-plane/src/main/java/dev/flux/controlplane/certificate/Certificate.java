package dev.flux.controlplane.certificate;

import java.time.Instant;
import java.util.List;

/**
 * An uploaded certificate as the REST API shows it: never its key.
 *
 * @param domain the custom domain it serves
 * @param dnsNames the leaf's subjectAltName DNS names
 * @param fingerprint {@code SHA256:...} of the leaf
 */
public record Certificate(long id, long userId, String username, String domain, String subject, String issuer,
                          List<String> dnsNames, Instant notBefore, Instant notAfter, String fingerprint,
                          Instant createdAt) {

    public Certificate {
        dnsNames = List.copyOf(dnsNames);
    }
}

package dev.flux.client.config;

import java.nio.file.Path;

/**
 * How the agent checks the node's certificate: against a pinned {@code fingerprint}, against the CAs in
 * {@code caFile}, or, when neither is set, against the system trust store. At most one of the two is set, and
 * {@code insecureSkipVerify} is never combined with either.
 *
 * @param fingerprint the node certificate's SHA-256 fingerprint as written in the file, or null; its shape is
 *                    checked, so {@link dev.flux.protocol.tls.Fingerprint#parse(String)} accepts it
 * @param caFile PEM bundle of trusted CAs (absolute, exists when loaded), or null
 * @param serverName SNI name and the host name the certificate must match; defaults to the server address
 * @param insecureSkipVerify accept any certificate; for tests only
 */
public record TlsConfig(String fingerprint, Path caFile, String serverName, boolean insecureSkipVerify) {
}

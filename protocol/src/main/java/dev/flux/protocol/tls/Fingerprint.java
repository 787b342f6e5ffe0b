package dev.flux.protocol.tls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The SHA-256 fingerprint of a certificate's DER encoding, written as OpenSSH writes key fingerprints:
 * {@code SHA256:} and unpadded base64. Parsing also accepts 64 hex digits with or without colons, as
 * {@code openssl x509 -fingerprint -sha256} prints them.
 */
public final class Fingerprint {

    private static final String PREFIX = "SHA256:";

    private final byte[] digest;

    private Fingerprint(byte[] digest) {
        this.digest = digest;
    }

    public static Fingerprint of(X509Certificate certificate) {
        try {
            return new Fingerprint(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint certificate " + certificate.getSubjectX500Principal(), e);
        }
    }

    /**
     * Parses a fingerprint.
     *
     * @throws IllegalArgumentException naming the value and the accepted forms
     */
    public static Fingerprint parse(String text) {
        String s = text == null ? "" : text.trim();
        try {
            if (s.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
                byte[] d = Base64.getDecoder().decode(pad(s.substring(PREFIX.length())));
                if (d.length == 32) {
                    return new Fingerprint(d);
                }
            } else {
                String hex = s.replace(":", "").toLowerCase(Locale.ROOT);
                if (hex.length() == 64) {
                    return new Fingerprint(HexFormat.of().parseHex(hex));
                }
            }
        } catch (IllegalArgumentException e) {
            // reported below with the accepted forms
        }
        throw new IllegalArgumentException("fingerprint: '" + text
                + "' (expected: SHA256:<43 base64 characters> or 64 hex digits, as the node logs it)");
    }

    private static String pad(String b64) {
        int rem = b64.length() % 4;
        return rem == 0 ? b64 : b64 + "=".repeat(4 - rem);
    }

    public boolean matches(X509Certificate certificate) {
        return MessageDigest.isEqual(digest, of(certificate).digest);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fingerprint f && MessageDigest.isEqual(digest, f.digest);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(digest);
    }

    @Override
    public String toString() {
        return PREFIX + Base64.getEncoder().withoutPadding().encodeToString(digest);
    }
}

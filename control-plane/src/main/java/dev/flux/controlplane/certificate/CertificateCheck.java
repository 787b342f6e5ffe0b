package dev.flux.controlplane.certificate;

import dev.flux.controlplane.api.ApiException;
import dev.flux.protocol.tls.NodeCertificate;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Checks an uploaded certificate before it is stored: the chain and key parse, the key belongs to the leaf, the leaf
 * names the domain (exactly, or by a wildcard one label deep), and it is valid now. Each refusal names the field and
 * says what is wrong.
 */
final class CertificateCheck {

    private static final SecureRandom RANDOM = new SecureRandom();

    private CertificateCheck() {
    }

    /**
     * @param domain already normalised (lower case, a host name)
     * @throws ApiException 400 naming what is wrong
     */
    static NodeCertificate check(String domain, String chainPem, String keyPem, Instant now) {
        NodeCertificate parsed;
        try {
            parsed = NodeCertificate.parse(chainPem, keyPem);
        } catch (IOException | RuntimeException e) {
            String field = e.getMessage() != null && e.getMessage().contains("key") ? "keyPem" : "certificatePem";
            throw ApiException.badRequest(field + ": " + e.getMessage());
        }
        X509Certificate leaf = parsed.leaf();
        if (!keyMatches(parsed.key(), leaf.getPublicKey())) {
            throw ApiException.badRequest("keyPem: the key does not belong to the certificate (the first one in "
                    + "certificatePem); upload the key it was issued for");
        }
        List<String> names = dnsNames(leaf);
        if (names.stream().noneMatch(n -> covers(n, domain))) {
            throw ApiException.badRequest("certificatePem: the certificate does not cover '" + domain + "' (it names "
                    + (names.isEmpty() ? "no DNS names" : String.join(", ", names)) + ")");
        }
        if (now.isAfter(leaf.getNotAfter().toInstant())) {
            throw ApiException.badRequest("certificatePem: the certificate expired at " + leaf.getNotAfter().toInstant()
                    + "; upload a renewed one");
        }
        if (now.isBefore(leaf.getNotBefore().toInstant())) {
            throw ApiException.badRequest("certificatePem: the certificate is not valid before "
                    + leaf.getNotBefore().toInstant());
        }
        return parsed;
    }

    /** The leaf's DNS names (subjectAltName), lower case. */
    static List<String> dnsNames(X509Certificate leaf) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (Integer.valueOf(2).equals(san.get(0))) {
                        out.add(san.get(1).toString().toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            throw ApiException.badRequest("certificatePem: unreadable subjectAltName: " + e.getMessage());
        }
        return out;
    }

    /** RFC 6125: an exact name, or {@code *.example.com} for exactly one label below {@code example.com}. */
    static boolean covers(String name, String domain) {
        if (name.equals(domain)) {
            return true;
        }
        int dot = domain.indexOf('.');
        return name.startsWith("*.") && dot > 0 && name.substring(1).equals(domain.substring(dot));
    }

    /** Whether the key signs what the certificate's public key verifies. */
    private static boolean keyMatches(PrivateKey key, PublicKey certified) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null || !key.getAlgorithm().equals(certified.getAlgorithm())
                && !(key.getAlgorithm().startsWith("EC") && certified.getAlgorithm().startsWith("EC"))) {
            return false;
        }
        try {
            byte[] probe = new byte[32];
            RANDOM.nextBytes(probe);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certified);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}

package dev.flux.protocol.e2e;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys of one secret tunnel stream, derived with HKDF-SHA256 (RFC 5869) from the tunnel's secret:
 *
 * <pre>
 * PRK   = HKDF-Extract(salt = visitorNonce || ownerNonce, IKM = UTF-8(secret))
 * auth  = HKDF-Expand(PRK, "flux-e2e/1 auth "  || UTF-8(tunnel), 32)   handshake proofs (HMAC-SHA256)
 * v2o   = HKDF-Expand(PRK, "flux-e2e/1 v2o "   || UTF-8(tunnel), 32)   AES-256-GCM, visitor to owner
 * o2v   = HKDF-Expand(PRK, "flux-e2e/1 o2v "   || UTF-8(tunnel), 32)   AES-256-GCM, owner to visitor
 * </pre>
 *
 * Both nonces are 32 random bytes chosen per stream by each end, so every stream has fresh keys even when one end
 * repeats its nonce, and the two directions never share a key (their record nonces can then both count from 0).
 */
public final class SecretKeys {

    public static final int NONCE_LENGTH = 32;
    static final int KEY_LENGTH = 32;
    private static final String HMAC = "HmacSHA256";

    private final byte[] auth;
    private final byte[] visitorToOwner;
    private final byte[] ownerToVisitor;

    private SecretKeys(byte[] auth, byte[] visitorToOwner, byte[] ownerToVisitor) {
        this.auth = auth;
        this.visitorToOwner = visitorToOwner;
        this.ownerToVisitor = ownerToVisitor;
    }

    /** Derives the keys of one stream. */
    public static SecretKeys derive(String secret, String tunnel, byte[] visitorNonce, byte[] ownerNonce) {
        if (visitorNonce.length != NONCE_LENGTH || ownerNonce.length != NONCE_LENGTH) {
            throw new IllegalArgumentException("nonces: " + visitorNonce.length + " and " + ownerNonce.length
                    + " bytes (expected: " + NONCE_LENGTH + " each)");
        }
        byte[] salt = new byte[2 * NONCE_LENGTH];
        System.arraycopy(visitorNonce, 0, salt, 0, NONCE_LENGTH);
        System.arraycopy(ownerNonce, 0, salt, NONCE_LENGTH, NONCE_LENGTH);
        byte[] ikm = secret.getBytes(StandardCharsets.UTF_8);
        return new SecretKeys(hkdf(salt, ikm, info("auth", tunnel)), hkdf(salt, ikm, info("v2o", tunnel)),
                hkdf(salt, ikm, info("o2v", tunnel)));
    }

    /**
     * The key that authenticates the punch datagrams of one peer-to-peer session of an xtcp tunnel:
     * HKDF-SHA256(salt = sessionId, IKM = UTF-8(secret), info = "flux-p2p/1 punch " || UTF-8(tunnel)). Only the
     * two holders of the secret can make a punch the other accepts; the session id (fresh per session) keeps a punch
     * of one session from being replayed into another.
     */
    public static byte[] punchKey(String secret, String tunnel, byte[] sessionId) {
        return hkdf(sessionId, secret.getBytes(StandardCharsets.UTF_8),
                ("flux-p2p/1 punch " + tunnel).getBytes(StandardCharsets.UTF_8));
    }

    /** HMAC-SHA256 of {@code data} under {@code key}, for the punch datagrams. */
    public static byte[] mac(byte[] key, byte[] data) {
        return hmac(key, data);
    }

    private static byte[] info(String purpose, String tunnel) {
        return ("flux-e2e/1 " + purpose + " " + tunnel).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * HKDF-SHA256 with an output of one block (L = 32 = HashLen): PRK = HMAC(salt, IKM), OKM = T(1) =
     * HMAC(PRK, info || 0x01).
     */
    static byte[] hkdf(byte[] salt, byte[] ikm, byte[] info) {
        byte[] prk = hmac(salt, ikm);
        byte[] in = Arrays.copyOf(info, info.length + 1);
        in[info.length] = 1;
        return hmac(prk, in);
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available in this JDK", e);
        }
    }

    /** The proof that one end holds the secret: HMAC-SHA256(auth, role). */
    byte[] proof(E2eRole role) {
        return hmac(auth, ("flux-e2e/1 proof " + role.name()).getBytes(StandardCharsets.US_ASCII));
    }

    /** Compares a received proof with the expected one in constant time. */
    boolean verify(E2eRole role, byte[] received) {
        return MessageDigest.isEqual(proof(role), received);
    }

    /** The key that seals what {@code sender} sends. */
    byte[] sendKey(E2eRole sender) {
        return (sender == E2eRole.VISITOR ? visitorToOwner : ownerToVisitor).clone();
    }
}

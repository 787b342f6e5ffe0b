package dev.flux.protocol.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Agent tokens: opaque random strings ({@code flx_} + 256 random bits, base64url). Servers keep only their
 * SHA-256 hash ({@code sha256:<hex>}); a token carries enough entropy that a fast hash is the right tool here,
 * unlike passwords.
 */
public final class Tokens {

    public static final String PREFIX = "flx_";
    public static final String HASH_PREFIX = "sha256:";

    private static final SecureRandom RANDOM = new SecureRandom();

    private Tokens() {
    }

    /** A new random token. */
    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The stored form of a token: {@code sha256:} and 64 lower-case hex digits. */
    public static String hash(String token) {
        return HASH_PREFIX + HexFormat.of().formatHex(digest(token));
    }

    /** The raw SHA-256 of a token. */
    public static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Parses a stored hash ({@code sha256:<64 hex>}) into its 32 bytes. */
    public static byte[] parseHash(String stored) {
        if (stored != null && stored.startsWith(HASH_PREFIX) && stored.length() == HASH_PREFIX.length() + 64) {
            try {
                return HexFormat.of().parseHex(stored.substring(HASH_PREFIX.length()));
            } catch (IllegalArgumentException e) {
                // not hex: reported below like every other malformed hash
            }
        }
        throw new IllegalArgumentException("token hash: " + stored + " (expected: sha256:<64 hex digits>)");
    }
}

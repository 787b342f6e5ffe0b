package dev.flux.client.wechat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The signatures WeChat puts on the requests to a developer's server: {@code signature} is the SHA-1 of
 * {@code token}, {@code timestamp} and {@code nonce} sorted as strings and joined; a safe-mode message's
 * {@code msg_signature} is the same over {@code token}, {@code timestamp}, {@code nonce} and the {@code Encrypt}
 * text.
 */
public final class WeChatSignature {

    private WeChatSignature() {
    }

    /** The outcome of a check, with the reason when it failed. */
    public record Check(boolean valid, String expected, String reason) {
    }

    /** SHA-1 in lower-case hex of the parts sorted and joined. */
    public static String sign(String... parts) {
        String[] sorted = parts.clone();
        Arrays.sort(sorted);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest(String.join("", sorted).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-1", e);
        }
    }

    /** Checks a {@code signature} query parameter. */
    public static Check check(String token, String timestamp, String nonce, String signature) {
        return check("signature", signature, token, timestamp, nonce, null);
    }

    /** Checks a {@code msg_signature} query parameter against the message's {@code Encrypt} text. */
    public static Check checkMessage(String token, String timestamp, String nonce, String encrypt,
                                     String msgSignature) {
        if (encrypt == null || encrypt.isEmpty()) {
            return new Check(false, null, "the message has no Encrypt element to check msg_signature against");
        }
        return check("msg_signature", msgSignature, token, timestamp, nonce, encrypt);
    }

    private static Check check(String param, String given, String token, String timestamp, String nonce,
                               String encrypt) {
        if (token == null || token.isEmpty()) {
            return new Check(false, null, "no token is configured: set the Token you entered in the WeChat admin "
                    + "console");
        }
        if (timestamp == null || timestamp.isEmpty()) {
            return new Check(false, null, "the timestamp parameter is missing");
        }
        if (nonce == null || nonce.isEmpty()) {
            return new Check(false, null, "the nonce parameter is missing");
        }
        String expected = encrypt == null ? sign(token, timestamp, nonce) : sign(token, timestamp, nonce, encrypt);
        if (given == null || given.isEmpty()) {
            return new Check(false, expected, "the " + param + " parameter is missing");
        }
        if (!timestamp.matches("\\d{1,12}")) {
            return new Check(false, expected, "timestamp '" + timestamp + "' is not a number of seconds");
        }
        if (expected.equals(given)) {
            return new Check(true, expected, null);
        }
        if (expected.equals(given.toLowerCase(Locale.ROOT))) {
            return new Check(false, expected, param + " is in upper case; WeChat sends lower-case hex");
        }
        return new Check(false, expected, param + " '" + given + "' does not match the expected '" + expected
                + "': the token differs from the one in the WeChat admin console, or the request was changed");
    }
}

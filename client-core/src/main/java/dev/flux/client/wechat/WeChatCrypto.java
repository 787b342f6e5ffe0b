package dev.flux.client.wechat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Safe-mode message encryption: AES-256-CBC with key = base64-decode(EncodingAESKey + "="), IV = the key's first
 * 16 bytes, PKCS#7 padding to 32-byte blocks, over
 * <pre>
 * +----------------+----------------------+-----+-------+
 * | 16 random bytes| msg length (4, BE)   | msg | appid |
 * +----------------+----------------------+-----+-------+
 * </pre>
 */
public final class WeChatCrypto {

    private static final int BLOCK = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final IvParameterSpec iv;
    private final String appId;

    /** @throws IllegalArgumentException naming the key when it is not a 43-character EncodingAESKey */
    public WeChatCrypto(String encodingAesKey, String appId) {
        byte[] raw = checkKey(encodingAesKey);
        this.key = new SecretKeySpec(raw, "AES");
        this.iv = new IvParameterSpec(Arrays.copyOf(raw, 16));
        this.appId = appId;
    }

    static byte[] checkKey(String encodingAesKey) {
        String hint = " (expected: the 43 letters, digits, '+' and '/' shown as EncodingAESKey in the WeChat admin "
                + "console)";
        if (encodingAesKey == null || encodingAesKey.length() != 43) {
            throw new IllegalArgumentException("EncodingAESKey has " + (encodingAesKey == null ? 0
                    : encodingAesKey.length()) + " characters, not 43" + hint);
        }
        try {
            return Base64.getDecoder().decode(encodingAesKey + "=");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("EncodingAESKey '" + encodingAesKey + "' is not base64" + hint);
        }
    }

    /** The base64 {@code Encrypt} text for {@code message}, with fresh random bytes. */
    public String encrypt(String message) {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        return encrypt(message, random);
    }

    String encrypt(String message, byte[] random16) {
        byte[] msg = message.getBytes(StandardCharsets.UTF_8);
        byte[] id = (appId == null ? "" : appId).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        plain.writeBytes(random16);
        plain.writeBytes(ByteBuffer.allocate(4).putInt(msg.length).array());
        plain.writeBytes(msg);
        plain.writeBytes(id);
        int pad = BLOCK - plain.size() % BLOCK;
        for (int i = 0; i < pad; i++) {
            plain.write(pad);
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, iv);
            return Base64.getEncoder().encodeToString(cipher.doFinal(plain.toByteArray()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-CBC is not available in this JVM", e);
        }
    }

    /** A decrypted message and the AppID it carried. */
    public record Decrypted(String message, String appId) {
    }

    /**
     * Decrypts an {@code Encrypt} text.
     *
     * @throws IllegalArgumentException saying why it cannot be decrypted (not base64, wrong key, another AppID)
     */
    public Decrypted decrypt(String encrypt) {
        byte[] data;
        try {
            data = Base64.getDecoder().decode(encrypt.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the Encrypt text is not base64");
        }
        if (data.length == 0 || data.length % 16 != 0) {
            throw new IllegalArgumentException("the Encrypt text is " + data.length + " bytes, not a whole number "
                    + "of AES blocks");
        }
        byte[] plain;
        try {
            Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, iv);
            plain = cipher.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-CBC is not available in this JVM", e);
        }
        int pad = plain[plain.length - 1] & 0xff;
        if (pad < 1 || pad > BLOCK || pad > plain.length - 20) {
            throw new IllegalArgumentException("the message does not decrypt with this EncodingAESKey (bad padding)");
        }
        int end = plain.length - pad;
        int length = ByteBuffer.wrap(plain, 16, 4).getInt();
        if (length < 0 || 20 + length > end) {
            throw new IllegalArgumentException("the message does not decrypt with this EncodingAESKey (bad length)");
        }
        String message = new String(plain, 20, length, StandardCharsets.UTF_8);
        String id = new String(plain, 20 + length, end - 20 - length, StandardCharsets.UTF_8);
        if (appId != null && !appId.equals(id)) {
            throw new IllegalArgumentException("the message is for AppID '" + id + "', not the configured '"
                    + appId + "'");
        }
        return new Decrypted(message, id);
    }
}

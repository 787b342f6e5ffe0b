package dev.flux.e2e.framework;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The length and SHA-256 of a body, computed while streaming it; two bodies are equal when their digests are.
 *
 * @param length how many bytes
 * @param sha256 lower-case hex
 */
public record BodyDigest(long length, String sha256) {

    private static final int BUFFER_SIZE = 64 * 1024;

    /** Reads {@code in} to its end (without closing it). */
    public static BodyDigest of(InputStream in) {
        try {
            return copy(in, OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies {@code in} to its end into {@code out} (closing neither) and returns the digest of what was copied. */
    public static BodyDigest copy(InputStream in, OutputStream out) throws IOException {
        MessageDigest sha = newSha256();
        byte[] buffer = new byte[BUFFER_SIZE];
        long length = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            sha.update(buffer, 0, n);
            out.write(buffer, 0, n);
            length += n;
        }
        return new BodyDigest(length, HexFormat.of().formatHex(sha.digest()));
    }

    /** The digest of bytes at hand. */
    public static BodyDigest of(byte[] bytes) {
        return new BodyDigest(bytes.length, HexFormat.of().formatHex(newSha256().digest(bytes)));
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}

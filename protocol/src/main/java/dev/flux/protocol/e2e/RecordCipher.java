package dev.flux.protocol.e2e;

import dev.flux.protocol.tls.TlsProviders;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.Provider;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals or opens the records of one direction of a secret tunnel stream with AES-256-GCM: BoringSSL's through
 * Conscrypt where it loads (the TLS provider, {@link TlsProviders}), the JDK's otherwise. BoringSSL's runs at full
 * speed from the first record on direct buffers; the JDK's needs C2 to have compiled its GHASH intrinsic first,
 * and until then decrypts a few times slower than the TLS below it.
 *
 * <pre>
 * record    = length (2 bytes, big-endian) | ciphertext | tag (16 bytes)
 * length    = length of ciphertext + tag, 1 + 16 .. {@value #MAX_PAYLOAD} + 1 + 16
 * plaintext = type (1 byte: 0 data, 1 end, 2 error) | payload (0 .. {@value #MAX_PAYLOAD} bytes)
 * nonce     = 4 zero bytes | sequence number (8 bytes, big-endian), 0 for the first record of a direction
 * AAD       = the 2 length bytes
 * </pre>
 *
 * The sequence number is never sent: each end counts, so a record that was replayed, reordered, dropped or moved
 * from the other direction (another key) fails authentication. An {@code end} record closes the direction; a stream
 * that ends without one was cut short.
 */
public final class RecordCipher {

    /** The most payload one record carries. */
    public static final int MAX_PAYLOAD = 16 * 1024;
    static final int HEADER_LENGTH = 2;
    static final int TAG_LENGTH = 16;
    static final int MIN_RECORD_LENGTH = 1 + TAG_LENGTH;
    static final int MAX_RECORD_LENGTH = 1 + MAX_PAYLOAD + TAG_LENGTH;

    public static final byte DATA = 0;
    public static final byte END = 1;
    public static final byte ERROR = 2;

    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final Provider PREFERRED = preferred();

    private final SecretKeySpec key;
    private final Cipher cipher;
    private final int mode;
    private final byte[] nonce = new byte[12];
    private final byte[] aad = new byte[HEADER_LENGTH];
    private long sequence;

    private RecordCipher(byte[] key, int mode, Provider provider) {
        this.key = new SecretKeySpec(key, "AES");
        this.mode = mode;
        try {
            this.cipher = provider == null ? Cipher.getInstance(TRANSFORMATION)
                    : Cipher.getInstance(TRANSFORMATION, provider);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JDK", e);
        }
    }

    /** Conscrypt when it loaded and has AES-GCM; null (the JDK's) otherwise. */
    private static Provider preferred() {
        Provider conscrypt = TlsProviders.provider();
        if (conscrypt != null) {
            try {
                Cipher.getInstance(TRANSFORMATION, conscrypt);
                return conscrypt;
            } catch (GeneralSecurityException e) {
                return null;
            }
        }
        return null;
    }

    /** The provider that seals and opens records, for logs and tests. */
    String provider() {
        return cipher.getProvider().getName();
    }

    /** Seals the records {@code sender} sends. */
    public static RecordCipher sealing(SecretKeys keys, E2eRole sender) {
        return sealing(keys, sender, PREFERRED);
    }

    /** Seals with {@code provider}'s AES-GCM (null: the JDK's). */
    static RecordCipher sealing(SecretKeys keys, E2eRole sender, Provider provider) {
        return new RecordCipher(keys.sendKey(sender), Cipher.ENCRYPT_MODE, provider);
    }

    /** Opens the records {@code sender} sent. */
    public static RecordCipher opening(SecretKeys keys, E2eRole sender) {
        return opening(keys, sender, PREFERRED);
    }

    /** Opens with {@code provider}'s AES-GCM (null: the JDK's). */
    static RecordCipher opening(SecretKeys keys, E2eRole sender, Provider provider) {
        return new RecordCipher(keys.sendKey(sender), Cipher.DECRYPT_MODE, provider);
    }

    /** How many bytes sealing {@code payloadLength} bytes of data takes, in records of at most MAX_PAYLOAD. */
    public static int sealedLength(int payloadLength) {
        int records = Math.max(1, (payloadLength + MAX_PAYLOAD - 1) / MAX_PAYLOAD);
        return payloadLength + records * (HEADER_LENGTH + 1 + TAG_LENGTH);
    }

    /**
     * Seals {@code payload}'s readable bytes as records of {@code type} into a new buffer (several records when it
     * is longer than MAX_PAYLOAD). Does not release {@code payload}.
     */
    public ByteBuf seal(ByteBufAllocator alloc, byte type, ByteBuf payload) {
        return seal(alloc, type, List.of(payload), payload.readableBytes());
    }

    /**
     * Seals the readable bytes of {@code payloads}, {@code length} of them in all, as if they were one buffer: full
     * records of MAX_PAYLOAD that span the buffers' boundaries, and a shorter last one (one empty record when
     * there are no bytes). Returns them in one new buffer; does not release the payloads nor move their indexes.
     */
    public ByteBuf seal(ByteBufAllocator alloc, byte type, List<ByteBuf> payloads, int length) {
        ByteBuf out = alloc.directBuffer(sealedLength(length));
        // type and payload of one record in one buffer, sealed in one call: a cipher that buffers partial input
        // (Conscrypt's AEAD does) would otherwise copy the whole record through the heap
        ByteBuf plaintext = alloc.directBuffer(1 + Math.min(length, MAX_PAYLOAD));
        try {
            int part = 0;
            int index = payloads.isEmpty() ? 0 : payloads.get(0).readerIndex();
            do {
                int n = Math.min(length, MAX_PAYLOAD);
                plaintext.clear().writeByte(type);
                for (int need = n; need > 0; ) {
                    ByteBuf p = payloads.get(part);
                    int take = Math.min(need, p.writerIndex() - index);
                    plaintext.writeBytes(p, index, take);
                    need -= take;
                    index += take;
                    if (index == p.writerIndex() && part + 1 < payloads.size()) {
                        index = payloads.get(++part).readerIndex();
                    }
                }
                sealOne(out, plaintext);
                length -= n;
            } while (length > 0);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        } finally {
            plaintext.release();
        }
    }

    /** Seals the record whose type and payload {@code plaintext} holds and appends it to {@code out}. */
    private void sealOne(ByteBuf out, ByteBuf plaintext) {
        int recordLength = plaintext.readableBytes() + TAG_LENGTH;
        int start = out.writerIndex();
        out.writeShort(recordLength);
        out.ensureWritable(recordLength);
        ByteBuffer target = out.nioBuffer(start + HEADER_LENGTH, recordLength);
        try {
            init();
            aad[0] = (byte) (recordLength >>> 8);
            aad[1] = (byte) recordLength;
            cipher.updateAAD(aad);
            cipher.doFinal(plaintext.nioBuffer(), target);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal a record: " + e.getMessage(), e);
        }
        out.writerIndex(start + HEADER_LENGTH + recordLength);
    }

    /**
     * Opens the record at {@code record}'s reader index (header included, whole) and returns its plaintext, type
     * byte first; advances the reader index past the record. The caller releases the result.
     *
     * @throws E2eException when the record does not authenticate
     */
    public ByteBuf open(ByteBufAllocator alloc, ByteBuf record) {
        int recordLength = record.getUnsignedShort(record.readerIndex());
        checkLength(recordLength);
        int start = record.readerIndex() + HEADER_LENGTH;
        ByteBuf out = alloc.directBuffer(recordLength - TAG_LENGTH);
        try {
            init();
            aad[0] = (byte) (recordLength >>> 8);
            aad[1] = (byte) recordLength;
            cipher.updateAAD(aad);
            int n = cipher.doFinal(record.nioBuffer(start, recordLength), out.nioBuffer(0, recordLength - TAG_LENGTH));
            out.writerIndex(n);
        } catch (AEADBadTagException e) {
            out.release();
            throw new E2eException("record " + (sequence - 1) + " failed authentication (tampered, replayed, "
                    + "reordered or sealed with another key)");
        } catch (GeneralSecurityException e) {
            out.release();
            throw new E2eException("cannot open record " + (sequence - 1) + ": " + e.getMessage());
        }
        record.skipBytes(HEADER_LENGTH + recordLength);
        return out;
    }

    static void checkLength(int recordLength) {
        if (recordLength < MIN_RECORD_LENGTH || recordLength > MAX_RECORD_LENGTH) {
            throw new E2eException("record length (" + recordLength + ") is outside the allowed range ("
                    + MIN_RECORD_LENGTH + " to " + MAX_RECORD_LENGTH + ")");
        }
    }

    private void init() throws GeneralSecurityException {
        if (sequence == Long.MAX_VALUE) {
            throw new E2eException("the record sequence number is exhausted");
        }
        long s = sequence++;
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (s >>> (56 - 8 * i));
        }
        cipher.init(mode, key, new GCMParameterSpec(TAG_LENGTH * 8, nonce));
    }
}

package dev.flux.protocol.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class RecordCipherTest {

    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
    private static final byte[] NONCE_V = new byte[32];
    private static final byte[] NONCE_O = new byte[32];

    static {
        NONCE_O[0] = 1;
    }

    @Test
    void hkdfMatchesRfc5869TestCase1() {
        HexFormat hex = HexFormat.of();
        byte[] ikm = hex.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
        byte[] salt = hex.parseHex("000102030405060708090a0b0c");
        byte[] info = hex.parseHex("f0f1f2f3f4f5f6f7f8f9");

        assertThat(hex.formatHex(SecretKeys.hkdf(salt, ikm, info)))
                .isEqualTo("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf");
    }

    @Test
    void keysDependOnSecretTunnelAndBothNonces() {
        byte[] a = SecretKeys.derive("s", "t", NONCE_V, NONCE_O).sendKey(E2eRole.VISITOR);
        assertThat(SecretKeys.derive("s", "t", NONCE_V, NONCE_O).sendKey(E2eRole.VISITOR)).isEqualTo(a);
        assertThat(SecretKeys.derive("x", "t", NONCE_V, NONCE_O).sendKey(E2eRole.VISITOR)).isNotEqualTo(a);
        assertThat(SecretKeys.derive("s", "u", NONCE_V, NONCE_O).sendKey(E2eRole.VISITOR)).isNotEqualTo(a);
        assertThat(SecretKeys.derive("s", "t", NONCE_O, NONCE_V).sendKey(E2eRole.VISITOR)).isNotEqualTo(a);
        assertThat(SecretKeys.derive("s", "t", NONCE_V, NONCE_O).sendKey(E2eRole.OWNER)).isNotEqualTo(a);
    }

    /** Ends with and without Conscrypt (BoringSSL's AES-GCM or the JDK's) read each other's records. */
    @Test
    void conscryptAndJdkRecordsAreTheSame() {
        java.security.Provider conscrypt = dev.flux.protocol.tls.TlsProviders.provider();
        org.junit.jupiter.api.Assumptions.assumeTrue(conscrypt != null, "Conscrypt does not load here");
        SecretKeys keys = SecretKeys.derive("s", "t", NONCE_V, NONCE_O);
        assertThat(RecordCipher.sealing(keys, E2eRole.VISITOR).provider()).isEqualTo(conscrypt.getName());
        byte[] data = new byte[RecordCipher.MAX_PAYLOAD + 1000];
        new java.util.Random(7).nextBytes(data);
        for (java.security.Provider[] pair : new java.security.Provider[][] {{conscrypt, null}, {null, conscrypt}}) {
            RecordCipher sealer = RecordCipher.sealing(keys, E2eRole.OWNER, pair[0]);
            RecordCipher opener = RecordCipher.opening(keys, E2eRole.OWNER, pair[1]);
            for (int round = 0; round < 3; round++) {
                ByteBuf payload = Unpooled.wrappedBuffer(data);
                ByteBuf sealed = sealer.seal(ALLOC, RecordCipher.DATA, payload);
                ByteBuf opened = ALLOC.buffer();
                while (sealed.isReadable()) {
                    ByteBuf plain = opener.open(ALLOC, sealed);
                    assertThat(plain.readByte()).isEqualTo(RecordCipher.DATA);
                    opened.writeBytes(plain);
                    plain.release();
                }
                assertThat(io.netty.buffer.ByteBufUtil.getBytes(opened)).isEqualTo(data);
                opened.release();
                sealed.release();
            }
        }
    }

    @Test
    void severalBuffersAreSealedAsOneStreamOfFullRecords() {
        SecretKeys keys = SecretKeys.derive("s", "t", NONCE_V, NONCE_O);
        RecordCipher sealer = RecordCipher.sealing(keys, E2eRole.VISITOR);
        RecordCipher opener = RecordCipher.opening(keys, E2eRole.VISITOR);
        byte[] data = new byte[RecordCipher.MAX_PAYLOAD * 2 + 777];
        new java.util.Random(5).nextBytes(data);
        // odd cuts, an empty buffer, and buffers that do not start at index 0
        int[] cuts = {0, 1, 5000, 5000, 20_000, RecordCipher.MAX_PAYLOAD * 2, data.length};
        java.util.List<ByteBuf> parts = new java.util.ArrayList<>();
        for (int i = 0; i + 1 < cuts.length; i++) {
            ByteBuf b = Unpooled.buffer().writeZero(3).writeBytes(data, cuts[i], cuts[i + 1] - cuts[i]);
            parts.add(b.skipBytes(3));
        }

        ByteBuf sealed = sealer.seal(ALLOC, RecordCipher.DATA, parts, data.length);

        assertThat(sealed.readableBytes()).isEqualTo(RecordCipher.sealedLength(data.length));
        ByteBuf opened = ALLOC.buffer();
        int records = 0;
        while (sealed.isReadable()) {
            ByteBuf plain = opener.open(ALLOC, sealed);
            assertThat(plain.readByte()).isEqualTo(RecordCipher.DATA);
            assertThat(plain.readableBytes()).isEqualTo(records < 2 ? RecordCipher.MAX_PAYLOAD : 777);
            opened.writeBytes(plain);
            plain.release();
            records++;
        }
        assertThat(records).isEqualTo(3);
        assertThat(io.netty.buffer.ByteBufUtil.getBytes(opened)).isEqualTo(data);
        assertThat(parts).allSatisfy(b -> assertThat(b.readerIndex()).isEqualTo(3));
        opened.release();
        sealed.release();
        parts.forEach(ByteBuf::release);
    }

    @Test
    void sealThenOpenSplitsLongPayloadsIntoRecords() {
        SecretKeys keys = SecretKeys.derive("s", "t", NONCE_V, NONCE_O);
        RecordCipher sealer = RecordCipher.sealing(keys, E2eRole.VISITOR);
        RecordCipher opener = RecordCipher.opening(keys, E2eRole.VISITOR);
        ByteBuf payload = Unpooled.buffer().writeZero(RecordCipher.MAX_PAYLOAD * 2 + 5);

        ByteBuf sealed = sealer.seal(ALLOC, RecordCipher.DATA, payload);

        assertThat(sealed.readableBytes()).isEqualTo(RecordCipher.sealedLength(payload.readableBytes()))
                .isEqualTo(payload.readableBytes() + 3 * (2 + 1 + 16));
        int total = 0;
        while (sealed.isReadable()) {
            ByteBuf plain = opener.open(ALLOC, sealed);
            assertThat(plain.readByte()).isEqualTo(RecordCipher.DATA);
            total += plain.readableBytes();
            plain.release();
        }
        assertThat(total).isEqualTo(payload.readableBytes());
        sealed.release();
        payload.release();
    }

    @Test
    void aRecordSealedWithAnotherKeyDoesNotOpen() {
        RecordCipher sealer = RecordCipher.sealing(SecretKeys.derive("one", "t", NONCE_V, NONCE_O), E2eRole.OWNER);
        RecordCipher opener = RecordCipher.opening(SecretKeys.derive("two", "t", NONCE_V, NONCE_O), E2eRole.OWNER);
        ByteBuf payload = Unpooled.copiedBuffer("secret", StandardCharsets.UTF_8);
        ByteBuf sealed = sealer.seal(ALLOC, RecordCipher.DATA, payload);
        try {
            assertThatThrownBy(() -> opener.open(ALLOC, sealed)).isInstanceOf(E2eException.class)
                    .hasMessageContaining("record 0 failed authentication");
        } finally {
            sealed.release();
            payload.release();
        }
    }

    @Test
    void aRecordOfTheOtherDirectionDoesNotOpen() {
        SecretKeys keys = SecretKeys.derive("s", "t", NONCE_V, NONCE_O);
        ByteBuf payload = Unpooled.copiedBuffer("reflected", StandardCharsets.UTF_8);
        ByteBuf sealed = RecordCipher.sealing(keys, E2eRole.VISITOR).seal(ALLOC, RecordCipher.DATA, payload);
        try {
            assertThatThrownBy(() -> RecordCipher.opening(keys, E2eRole.OWNER).open(ALLOC, sealed))
                    .isInstanceOf(E2eException.class);
        } finally {
            sealed.release();
            payload.release();
        }
    }
}

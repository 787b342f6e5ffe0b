package dev.flux.protocol.p2p;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flux.protocol.e2e.E2eRole;
import dev.flux.protocol.e2e.SecretKeys;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The rendezvous probe and punch datagrams: layout, authentication, and what is not one of them. */
class PeerPacketTest {

    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
    private static final String SESSION = "00112233445566778899aabbccddeeff";
    private static final byte[] ID = PeerPacket.sessionId(SESSION);
    private static final byte[] KEY = SecretKeys.punchKey("open-sesame", "ssh", ID);

    @Test
    void aProbeCarriesTheSessionAndTheRole() {
        ByteBuf probe = PeerPacket.probe(ALLOC, ID, E2eRole.OWNER);
        try {
            assertThat(probe.readableBytes()).isEqualTo(22);
            assertThat(probe.toString(0, 4, StandardCharsets.US_ASCII)).isEqualTo("FXP1");
            PeerPacket.Decoded d = PeerPacket.decode(probe);
            assertThat(d.type()).isEqualTo(PeerPacket.Type.PROBE);
            assertThat(d.session()).isEqualTo(SESSION);
            assertThat(d.role()).isEqualTo(E2eRole.OWNER);
            assertThat(d.authentic(KEY)).as("a probe carries no MAC").isFalse();
            assertThat(probe.readerIndex()).as("decode does not consume").isZero();
        } finally {
            probe.release();
        }
    }

    @Test
    void aPunchIsAuthenticWithTheKeyOfItsSecretTunnelAndSession() {
        ByteBuf punch = PeerPacket.punch(ALLOC, PeerPacket.Type.PUNCH, ID, E2eRole.VISITOR, KEY);
        try {
            assertThat(punch.readableBytes()).isEqualTo(54);
            PeerPacket.Decoded d = PeerPacket.decode(punch);
            assertThat(d.type()).isEqualTo(PeerPacket.Type.PUNCH);
            assertThat(d.role()).isEqualTo(E2eRole.VISITOR);
            assertThat(d.authentic(KEY)).isTrue();
            assertThat(d.authentic(SecretKeys.punchKey("wrong-secret", "ssh", ID))).isFalse();
            assertThat(d.authentic(SecretKeys.punchKey("open-sesame", "other-tunnel", ID))).isFalse();
            byte[] otherSession = ID.clone();
            otherSession[0] ^= 1;
            assertThat(d.authentic(SecretKeys.punchKey("open-sesame", "ssh", otherSession))).isFalse();
        } finally {
            punch.release();
        }
    }

    @Test
    void aTamperedPunchIsRejected() {
        for (int i = 0; i < PeerPacket.PUNCH_LENGTH; i++) {
            ByteBuf punch = PeerPacket.punch(ALLOC, PeerPacket.Type.ACK, ID, E2eRole.OWNER, KEY);
            try {
                punch.setByte(i, punch.getByte(i) ^ 0x04);
                PeerPacket.Decoded d = PeerPacket.decode(punch);
                assertThat(d == null || !d.authentic(KEY)).as("flipped byte " + i).isTrue();
            } finally {
                punch.release();
            }
        }
    }

    @Test
    void otherDatagramsAreNotPeerPackets() {
        byte[] quicLike = new byte[1200];
        quicLike[0] = (byte) 0xc3;
        for (byte[] bytes : new byte[][] {quicLike, new byte[0], "FXP1".getBytes(StandardCharsets.US_ASCII),
                HexFormat.of().parseHex("4658503109" + SESSION + "01"), // unknown type 9
                HexFormat.of().parseHex("4658503101" + SESSION + "03"), // unknown role 3
                HexFormat.of().parseHex("4658503102" + SESSION + "01")}) { // a punch without its MAC
            ByteBuf b = Unpooled.wrappedBuffer(bytes);
            assertThat(PeerPacket.decode(b)).isNull();
            b.release();
        }
    }

    @Test
    void sessionIdsAreThirtyTwoHexDigits() {
        assertThatThrownBy(() -> PeerPacket.sessionId("abc"))
                .hasMessage("sessionId: 'abc' (expected: 32 hex digits)");
        assertThatThrownBy(() -> PeerPacket.sessionId("zz112233445566778899aabbccddeeff"))
                .hasMessageContaining("expected: 32 hex digits");
        assertThatThrownBy(() -> PeerPacket.probe(ALLOC, new byte[3], E2eRole.VISITOR))
                .hasMessage("sessionId: 3 bytes (expected: 16)");
        assertThatThrownBy(() -> PeerPacket.punch(ALLOC, PeerPacket.Type.PROBE, ID, E2eRole.VISITOR, KEY))
                .hasMessage("type: PROBE (expected: PUNCH or ACK)");
    }
}

package dev.flux.protocol.p2p;

import dev.flux.protocol.e2e.E2eRole;
import dev.flux.protocol.e2e.SecretKeys;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The datagrams of the peer-to-peer (xtcp) rendezvous and hole punching. They share the punched UDP socket with
 * QUIC, so a receiver first asks {@link #decode} whether a datagram is one of these and hands everything else to
 * QUIC.
 *
 * <pre>
 * 0        4      5                   21     22                          54
 * +--------+------+-------------------+------+---------------------------+
 * | "FXP1" | type | session id (16 B) | role | HMAC-SHA256 (PUNCH, ACK)  |
 * +--------+------+-------------------+------+---------------------------+
 * type: 1 PROBE (agent → node rendezvous port, 22 bytes), 2 PUNCH, 3 ACK (peer ↔ peer, 54 bytes)
 * role: 1 visitor, 2 owner (the sender's)
 * mac:  HMAC-SHA256(SecretKeys.punchKey(secret, tunnel, session id), bytes 0..21)
 * </pre>
 *
 * A probe is authenticated by its session id alone: the node issued it to the two agents over their TLS control
 * streams and accepts one probe address per role. A punch or ack is accepted only with a valid MAC, which only
 * holders of the tunnel's secret can make.
 */
public final class PeerPacket {

    public static final int SESSION_ID_LENGTH = 16;
    static final byte[] MAGIC = {'F', 'X', 'P', '1'};
    static final int HEADER_LENGTH = MAGIC.length + 1 + SESSION_ID_LENGTH + 1;
    static final int MAC_LENGTH = 32;
    public static final int PROBE_LENGTH = HEADER_LENGTH;
    public static final int PUNCH_LENGTH = HEADER_LENGTH + MAC_LENGTH;

    /** The kind of a datagram. */
    public enum Type {
        PROBE(1), PUNCH(2), ACK(3);

        final byte code;

        Type(int code) {
            this.code = (byte) code;
        }

        static Type of(byte code) {
            for (Type t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            return null;
        }
    }

    /**
     * A decoded datagram; {@code mac} is empty for a probe. Check a punch with {@link #authentic(byte[])}.
     */
    public record Decoded(Type type, byte[] sessionId, E2eRole role, byte[] header, byte[] mac) {

        /** The session id as the control messages spell it (32 lowercase hex digits). */
        public String session() {
            return HexFormat.of().formatHex(sessionId);
        }

        /** True when the MAC is right for {@code punchKey} (constant-time compare); always false for a probe. */
        public boolean authentic(byte[] punchKey) {
            return type != Type.PROBE && MessageDigest.isEqual(SecretKeys.mac(punchKey, header), mac);
        }
    }

    private PeerPacket() {
    }

    /** Parses a session id as the control messages spell it. */
    public static byte[] sessionId(String hex) {
        byte[] id;
        try {
            id = HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sessionId: '" + hex + "' (expected: " + 2 * SESSION_ID_LENGTH
                    + " hex digits)");
        }
        if (id.length != SESSION_ID_LENGTH) {
            throw new IllegalArgumentException("sessionId: '" + hex + "' (expected: " + 2 * SESSION_ID_LENGTH
                    + " hex digits)");
        }
        return id;
    }

    /** A rendezvous probe from the agent at {@code role}. */
    public static ByteBuf probe(ByteBufAllocator alloc, byte[] sessionId, E2eRole role) {
        byte[] header = header(Type.PROBE, sessionId, role);
        return alloc.buffer(PROBE_LENGTH).writeBytes(header);
    }

    /** A punch (or its ack) from {@code role}, authenticated with {@code punchKey}. */
    public static ByteBuf punch(ByteBufAllocator alloc, Type type, byte[] sessionId, E2eRole role, byte[] punchKey) {
        if (type == Type.PROBE) {
            throw new IllegalArgumentException("type: PROBE (expected: PUNCH or ACK)");
        }
        byte[] header = header(type, sessionId, role);
        return alloc.buffer(PUNCH_LENGTH).writeBytes(header).writeBytes(SecretKeys.mac(punchKey, header));
    }

    private static byte[] header(Type type, byte[] sessionId, E2eRole role) {
        if (sessionId.length != SESSION_ID_LENGTH) {
            throw new IllegalArgumentException("sessionId: " + sessionId.length + " bytes (expected: "
                    + SESSION_ID_LENGTH + ")");
        }
        byte[] h = new byte[HEADER_LENGTH];
        System.arraycopy(MAGIC, 0, h, 0, MAGIC.length);
        h[MAGIC.length] = type.code;
        System.arraycopy(sessionId, 0, h, MAGIC.length + 1, SESSION_ID_LENGTH);
        h[HEADER_LENGTH - 1] = (byte) (role.ordinal() + 1);
        return h;
    }

    /**
     * Reads a datagram without consuming or releasing it; null when it is not one of these (wrong magic, length,
     * type or role), so the caller hands it on to QUIC.
     */
    public static Decoded decode(ByteBuf datagram) {
        int n = datagram.readableBytes();
        if (n != PROBE_LENGTH && n != PUNCH_LENGTH) {
            return null;
        }
        int at = datagram.readerIndex();
        for (int i = 0; i < MAGIC.length; i++) {
            if (datagram.getByte(at + i) != MAGIC[i]) {
                return null;
            }
        }
        Type type = Type.of(datagram.getByte(at + MAGIC.length));
        int role = datagram.getByte(at + HEADER_LENGTH - 1);
        if (type == null || role < 1 || role > E2eRole.values().length
                || (type == Type.PROBE) != (n == PROBE_LENGTH)) {
            return null;
        }
        byte[] header = new byte[HEADER_LENGTH];
        datagram.getBytes(at, header);
        byte[] sessionId = new byte[SESSION_ID_LENGTH];
        System.arraycopy(header, MAGIC.length + 1, sessionId, 0, SESSION_ID_LENGTH);
        byte[] mac = new byte[n - HEADER_LENGTH];
        datagram.getBytes(at + HEADER_LENGTH, mac);
        return new Decoded(type, sessionId, E2eRole.values()[role - 1], header, mac);
    }
}

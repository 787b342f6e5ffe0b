package dev.flux.protocol.control;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builds raw control frames and drains channels for the codec tests. */
final class ControlFrames {

    private ControlFrames() {
    }

    /** A frame with the given JSON body and a length prefix that matches it. */
    static byte[] frame(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    /** A length prefix alone, as unsigned 32 bits. */
    static byte[] lengthPrefix(long length) {
        return ByteBuffer.allocate(4).putInt((int) length).array();
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    /**
     * A direct buffer holding {@code bytes[from, to)}: the unpooled allocator tracks direct buffers, so the leak
     * detector sees one the decoder forgets to release.
     */
    static ByteBuf direct(byte[] bytes, int from, int to) {
        ByteBuf buf = Unpooled.directBuffer(Math.max(1, to - from));
        return buf.writeBytes(bytes, from, to - from);
    }

    static ByteBuf direct(byte[] bytes) {
        return direct(bytes, 0, bytes.length);
    }

    /** Every message the channel has passed inbound, in order. */
    static List<Object> readAllInbound(EmbeddedChannel ch) {
        List<Object> out = new ArrayList<>();
        for (Object m; (m = ch.readInbound()) != null; ) {
            out.add(m);
        }
        return out;
    }

    /** Every byte the channel has written, in order; the written buffers are released. */
    static byte[] readAllOutbound(EmbeddedChannel ch) {
        ByteBuf all = Unpooled.buffer();
        try {
            for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
                all.writeBytes(b);
                b.release();
            }
            byte[] bytes = new byte[all.readableBytes()];
            all.readBytes(bytes);
            return bytes;
        } finally {
            all.release();
        }
    }
}

package dev.flux.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.node.tls.HttpsCertificates;
import dev.flux.node.tunnel.TunnelRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The ClientHello reader of the HTTPS port on an {@link EmbeddedChannel}: whatever arrives, in whatever pieces, a
 * connection that names no served host is answered with an {@code unrecognized_name} alert (where it spoke TLS) and
 * closed, and no buffer is left behind (the leak detector runs at PARANOID).
 */
class SniRouterTest {

    private static final byte[] UNRECOGNIZED_NAME_ALERT = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x70};

    EmbeddedChannel channel = new EmbeddedChannel(
            new SniRouter(new TunnelRegistry(), HttpsCertificates.NONE, 1_000, 30_000));

    @AfterEach
    void noLeftovers() {
        assertThat((Object) channel.readInbound()).isNull();
        channel.finishAndReleaseAll();
    }

    @Test
    void anUnknownHostIsRefusedWithAnAlert() throws Exception {
        channel.writeInbound(Unpooled.wrappedBuffer(clientHello("nobody.tunnel.test")));
        assertThat(written()).containsExactly(UNRECOGNIZED_NAME_ALERT);
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void aClientHelloInOneByteSegmentsIsReadWhole() throws Exception {
        byte[] hello = clientHello("nobody.tunnel.test");
        for (int i = 0; i < hello.length - 1; i++) {
            channel.writeInbound(Unpooled.wrappedBuffer(hello, i, 1));
            assertThat(channel.isActive()).as("open after %d of %d bytes", i + 1, hello.length).isTrue();
            assertThat((Object) channel.readOutbound()).isNull();
        }
        channel.writeInbound(Unpooled.wrappedBuffer(hello, hello.length - 1, 1));
        assertThat(written()).containsExactly(UNRECOGNIZED_NAME_ALERT);
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void aClientHelloSplitOverTwoRecordsIsReassembled() throws Exception {
        byte[] record = clientHello("nobody.tunnel.test");
        byte[] handshake = Arrays.copyOfRange(record, 5, record.length);
        int half = handshake.length / 2;
        ByteBuf two = Unpooled.buffer();
        two.writeBytes(recordOf(Arrays.copyOfRange(handshake, 0, half)));
        two.writeBytes(recordOf(Arrays.copyOfRange(handshake, half, handshake.length)));
        channel.writeInbound(two.readRetainedSlice(7));
        assertThat(channel.isActive()).isTrue();
        channel.writeInbound(two);
        assertThat(written()).containsExactly(UNRECOGNIZED_NAME_ALERT);
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void aClientHelloWithoutSniIsRefused() throws Exception {
        channel.writeInbound(Unpooled.wrappedBuffer(clientHello(null)));
        assertThat(written()).containsExactly(UNRECOGNIZED_NAME_ALERT);
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void anOversizedClientHelloIsRefusedBeforeItArrives() {
        // a full-size first record (2^14 bytes) of a ClientHello that announces 20,000 bytes: refused when that
        // record is in, without waiting for (and buffering) the rest
        ByteBuf head = Unpooled.buffer();
        head.writeBytes(new byte[] {0x16, 0x03, 0x01, 0x40, 0x00});
        head.writeByte(1).writeMedium(20_000);
        head.writeZero(0x4000 - 4);
        try {
            channel.writeInbound(head);
        } catch (Exception expected) {
            assertThat(expected).hasMessageContaining("ClientHello length exceeds " + SniRouter.MAX_CLIENT_HELLO_LENGTH);
        }
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void plainHttpIsClosed() {
        try {
            channel.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: a.tunnel.test\r\n\r\n",
                    java.nio.charset.StandardCharsets.US_ASCII));
        } catch (Exception e) {
            assertThat(e).hasMessageContaining("not an SSL/TLS record");
        }
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void aSilentClientIsClosedAfterTheTimeout() {
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16, 0x03, 0x01}));
        channel.advanceTimeBy(500, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isActive()).isTrue();
        channel.advanceTimeBy(600, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isActive()).isFalse();
    }

    private byte[] written() {
        ByteBuf out = Unpooled.buffer();
        ByteBuf b;
        while ((b = channel.readOutbound()) != null) {
            out.writeBytes(b);
            b.release();
        }
        byte[] bytes = ByteBufUtil.getBytes(out);
        out.release();
        return bytes;
    }

    private static byte[] recordOf(byte[] handshakeFragment) {
        ByteBuf r = Unpooled.buffer();
        r.writeBytes(new byte[] {0x16, 0x03, 0x01});
        r.writeShort(handshakeFragment.length);
        r.writeBytes(handshakeFragment);
        byte[] bytes = ByteBufUtil.getBytes(r);
        r.release();
        return bytes;
    }

    /** The first flight of a real JDK TLS client: one record holding its ClientHello. */
    static byte[] clientHello(String sni) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        SSLEngine engine = context.createSSLEngine(sni == null ? null : sni, 443);
        engine.setUseClientMode(true);
        SSLParameters params = engine.getSSLParameters();
        params.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
        engine.setSSLParameters(params);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        return bytes;
    }
}

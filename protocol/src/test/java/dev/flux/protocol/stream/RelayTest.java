package dev.flux.protocol.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Relay#bridge} between two embedded channels: {@code publicSide} stands for the visitor's connection,
 * {@code localSide} for the tunnel stream or the local service. Each has a {@link FlushGate} in front, so a test
 * can hold its writes back like a slow socket.
 */
class RelayTest {

    private final FlushGate publicGate = new FlushGate();
    private final FlushGate localGate = new FlushGate();
    private final EmbeddedChannel publicSide = new EmbeddedChannel(publicGate);
    private final EmbeddedChannel localSide = new EmbeddedChannel(localGate);
    private final TrafficCounter counter = new TrafficCounter();

    @AfterEach
    void nothingIsLeftBehind() {
        publicGate.open();
        localGate.open();
        drain(publicSide);
        drain(localSide);
        publicSide.finishAndReleaseAll();
        localSide.finishAndReleaseAll();
        assertThat(publicSide.inboundMessages()).as("relay consumes what it reads").isEmpty();
        assertThat(localSide.inboundMessages()).isEmpty();
    }

    @Test
    void bridgingSwitchesAutoReadOnForBothSides() {
        publicSide.config().setAutoRead(false);
        localSide.config().setAutoRead(false);

        Relay.bridge(publicSide, localSide, counter);

        assertThat(publicSide.config().isAutoRead()).isTrue();
        assertThat(localSide.config().isAutoRead()).isTrue();
    }

    @Test
    void bytesFlowBothWaysAndAreCounted() {
        Relay.bridge(publicSide, localSide, counter);
        ByteBuf request = bytes("GET / HTTP/1.1\r\nHost: web\r\n\r\n");
        ByteBuf response = bytes("HTTP/1.1 204 No Content\r\n\r\n");

        publicSide.writeInbound(request);
        localSide.writeInbound(response);

        assertThat(readText(localSide)).isEqualTo("GET / HTTP/1.1\r\nHost: web\r\n\r\n");
        assertThat(readText(publicSide)).isEqualTo("HTTP/1.1 204 No Content\r\n\r\n");
        assertThat(counter.bytesIn()).isEqualTo(29);
        assertThat(counter.bytesOut()).isEqualTo(27);
        assertThat(request.refCnt() + response.refCnt()).isZero();
    }

    @Test
    void severalReadsArriveInOrderAndAreCountedTogether() {
        Relay.bridge(publicSide, localSide, counter);

        publicSide.writeInbound(bytes("one "), bytes("two "), bytes("three"));
        publicSide.writeInbound(bytes("!"));

        assertThat(readText(localSide)).isEqualTo("one two three!");
        assertThat(counter.bytesIn()).isEqualTo(14);
        assertThat(counter.bytesOut()).isZero();
    }

    @Test
    void aRelayWithoutACounterStillRelays() {
        Relay.bridge(publicSide, localSide, null);

        localSide.writeInbound(bytes("pong"));

        assertThat(readText(publicSide)).isEqualTo("pong");
    }

    @Test
    void closingThePublicSideClosesTheLocalSide() {
        Relay.bridge(publicSide, localSide, counter);

        publicSide.close();

        assertThat(localSide.isOpen()).isFalse();
    }

    @Test
    void closingTheLocalSideClosesThePublicSide() {
        Relay.bridge(publicSide, localSide, counter);

        localSide.close();

        assertThat(publicSide.isOpen()).isFalse();
    }

    @Test
    void theOtherSideClosesOnlyAfterWhatWasRelayedToItHasBeenFlushed() {
        Relay.bridge(publicSide, localSide, counter);
        localGate.hold();
        publicSide.writeInbound(bytes("last words"));

        publicSide.close();

        assertThat(localSide.isOpen()).as("still flushing").isTrue();
        localGate.open();
        assertThat(localSide.isOpen()).isFalse();
        assertThat(readText(localSide)).isEqualTo("last words");
    }

    @Test
    void anEndedStreamClosesTheOtherSideAfterFlushing() {
        Relay.bridge(publicSide, localSide, counter);
        publicSide.writeInbound(bytes("request"));

        localSide.pipeline().fireUserEventTriggered(StreamEnded.INSTANCE);

        // the public side is not a socket, so "end its output" can only mean close it once flushed
        assertThat(publicSide.isOpen()).isFalse();
        assertThat(readText(localSide)).isEqualTo("request");
    }

    @Test
    void aFinOnOneSideClosesTheOtherSide() {
        Relay.bridge(publicSide, localSide, counter);

        publicSide.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);

        assertThat(localSide.isOpen()).isFalse();
    }

    @Test
    void anExceptionOnOneSideClosesBoth() {
        Relay.bridge(publicSide, localSide, counter);

        publicSide.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));

        assertThat(publicSide.isOpen()).isFalse();
        assertThat(localSide.isOpen()).isFalse();
    }

    @Test
    void aSideStopsReadingWhileItsPeerIsUnwritableAndResumesWhenThePeerDrains() {
        localSide.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
        Relay.bridge(publicSide, localSide, counter);
        localGate.hold();

        publicSide.writeInbound(bytes("more than sixteen bytes of upload"));

        assertThat(localSide.isWritable()).isFalse();
        assertThat(publicSide.config().isAutoRead()).as("public side paused").isFalse();
        assertThat(localSide.config().isAutoRead()).as("the other direction is unaffected").isTrue();

        localGate.open();

        assertThat(localSide.isWritable()).isTrue();
        assertThat(publicSide.config().isAutoRead()).as("public side resumed").isTrue();
        assertThat(readText(localSide)).isEqualTo("more than sixteen bytes of upload");
    }

    @Test
    void backpressureWorksTheOtherWayToo() {
        publicSide.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
        Relay.bridge(publicSide, localSide, counter);
        publicGate.hold();

        localSide.writeInbound(bytes("a large download chunk"));

        assertThat(localSide.config().isAutoRead()).as("local side paused").isFalse();
        assertThat(publicSide.config().isAutoRead()).isTrue();

        publicGate.open();

        assertThat(localSide.config().isAutoRead()).as("local side resumed").isTrue();
        assertThat(readText(publicSide)).isEqualTo("a large download chunk");
        assertThat(counter.bytesOut()).isEqualTo(22);
    }

    @Test
    void aSideKeepsReadingWhileItsPeerStaysWritable() {
        localSide.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1024, 64 * 1024));
        Relay.bridge(publicSide, localSide, counter);
        localGate.hold();

        publicSide.writeInbound(bytes("small"));

        assertThat(localSide.isWritable()).isTrue();
        assertThat(publicSide.config().isAutoRead()).isTrue();
    }

    @Test
    void trafficCounterCountsConnections() {
        counter.connectionOpened();
        counter.connectionOpened();
        counter.connectionClosed();

        assertThat(counter.totalConnections()).isEqualTo(2);
        assertThat(counter.openConnections()).isEqualTo(1);
    }

    private static ByteBuf bytes(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return Unpooled.directBuffer(b.length).writeBytes(b);
    }

    /** Everything the channel has written so far, as text; the buffers are released. */
    private static String readText(EmbeddedChannel ch) {
        StringBuilder sb = new StringBuilder();
        for (Object m; (m = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) m;
            sb.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        return sb.toString();
    }

    private static void drain(EmbeddedChannel ch) {
        readText(ch);
    }

    /** Holds flushes back while closed, as a socket whose peer does not read would. */
    private static final class FlushGate extends ChannelOutboundHandlerAdapter {
        private ChannelHandlerContext ctx;
        private boolean held;
        private boolean flushPending;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        void hold() {
            held = true;
        }

        void open() {
            held = false;
            if (flushPending) {
                flushPending = false;
                ctx.flush();
            }
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            if (held) {
                flushPending = true;
            } else {
                ctx.flush();
            }
        }
    }
}

package dev.flux.node.tunnel;

import dev.flux.protocol.stream.Http2Transport;
import dev.flux.protocol.stream.StreamEnded;
import dev.flux.protocol.stream.StreamFrameAdapter;
import dev.flux.protocol.stream.TrafficCounter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays between two streams of different agent connections (a visitor's and an owner's), with auto-read
 * backpressure like {@code Relay}. An end (END_STREAM) is passed on as an end, never as a reset, so that bytes still
 * waiting for flow-control credit on the other stream are delivered; only a stream that closes without having
 * ended (a reset, a dead connection) resets the other one.
 */
final class StreamBridge extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(StreamBridge.class);

    private final Channel peer;
    private final TrafficCounter counter;
    private final boolean inbound;
    private boolean ended;

    private StreamBridge(Channel peer, TrafficCounter counter, boolean inbound) {
        this.peer = peer;
        this.counter = counter;
        this.inbound = inbound;
    }

    /**
     * What may wait unwritten on a bridged stream before the other side stops reading. The two streams belong to
     * different agent connections and so to different event loops: each pause and resume costs a hop between
     * threads, and with Netty's default 64 KiB mark those hops, not the bytes, set the pace (an stcp tunnel moved
     * about a tenth of what a tcp tunnel did). A quarter of the stream window keeps the pipe full between hops.
     */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(Http2Transport.STREAM_WINDOW / 8,
            Http2Transport.STREAM_WINDOW / 4);

    /** Starts relaying; bytes from {@code visitor} count as "in". */
    static void bridge(Channel visitor, Channel owner, TrafficCounter counter) {
        visitor.config().setWriteBufferWaterMark(WATER_MARK);
        owner.config().setWriteBufferWaterMark(WATER_MARK);
        visitor.pipeline().addLast("bridge", new StreamBridge(owner, counter, true));
        owner.pipeline().addLast("bridge", new StreamBridge(visitor, counter, false));
        visitor.config().setAutoRead(true);
        owner.config().setAutoRead(true);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf b) || !peer.isActive()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (inbound) {
            counter.addIn(b.readableBytes());
        } else {
            counter.addOut(b.readableBytes());
        }
        peer.write(b, peer.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
        if (!peer.isWritable()) {
            Channel self = ctx.channel();
            self.config().setAutoRead(false);
            if (peer.isWritable()) {
                self.config().setAutoRead(true);
            }
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            peer.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof StreamEnded) {
            ended = true;
            if (peer.isActive()) {
                StreamFrameAdapter.endStream(peer);
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!ended) {
            peer.close();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("bridge {} closed: {}", ctx.channel(), cause.toString());
        } else {
            log.warn("bridge {} failed", ctx.channel(), cause);
        }
        ctx.close();
        peer.close();
    }
}

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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays between two streams of different agent connections (a visitor's and an owner's), with auto-read
 * backpressure like {@code Relay}. An end (END_STREAM) is passed on as an end, never as a reset, so that bytes still
 * waiting for flow-control credit on the other stream are delivered; only a stream that closes without having
 * ended (a reset, a dead connection) resets the other one.
 *
 * <p>The two connections usually run on different event loops. Then what one read pass brought is handed to the
 * other loop at once, as one buffer and one task that writes and flushes it (instead of a task per buffer and one
 * for the flush, and a composite of the pieces that TLS would copy through the heap); a side stops reading while
 * its peer is not writable or more than {@link #WATER_MARK}'s high mark is still on its way there.
 */
final class StreamBridge extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(StreamBridge.class);

    private final Channel self;
    private final Channel peer;
    private final TrafficCounter counter;
    private final boolean inbound;
    /** Both streams on one event loop: write straight through. */
    private final boolean sameLoop;
    /** Read in this pass, not yet handed to the peer's loop; on this stream's loop only. */
    private final List<ByteBuf> batch = new ArrayList<>();
    private int batchBytes;
    /** Handed to the peer's loop and not yet written there. */
    private final AtomicLong inFlight = new AtomicLong();
    private boolean ended;

    private StreamBridge(Channel self, Channel peer, TrafficCounter counter, boolean inbound) {
        this.self = self;
        this.peer = peer;
        this.counter = counter;
        this.inbound = inbound;
        this.sameLoop = self.eventLoop() == peer.eventLoop();
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
        visitor.pipeline().addLast("bridge", new StreamBridge(visitor, owner, counter, true));
        owner.pipeline().addLast("bridge", new StreamBridge(owner, visitor, counter, false));
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
        if (sameLoop) {
            peer.write(b, peer.voidPromise());
        } else {
            batch.add(b);
            batchBytes += b.readableBytes();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (sameLoop) {
            peer.flush();
        } else {
            handOver();
        }
        if (mustPause()) {
            self.config().setAutoRead(false);
            // the peer may have drained between the check and the switch; its resume would have been missed
            if (!mustPause()) {
                self.config().setAutoRead(true);
            }
        }
        ctx.fireChannelReadComplete();
    }

    private boolean mustPause() {
        return !peer.isWritable() || inFlight.get() > WATER_MARK.high();
    }

    /** Hands this pass's buffers to the peer's loop as one buffer, written and flushed there by one task. */
    private void handOver() {
        if (batch.isEmpty()) {
            return;
        }
        ByteBuf data;
        if (batch.size() == 1) {
            data = batch.get(0);
        } else {
            data = self.alloc().directBuffer(batchBytes);
            for (ByteBuf b : batch) {
                data.writeBytes(b);
                b.release();
            }
        }
        long n = batchBytes;
        batch.clear();
        batchBytes = 0;
        inFlight.addAndGet(n);
        peer.eventLoop().execute(() -> deliver(data, n));
    }

    /** On the peer's loop. */
    private void deliver(ByteBuf data, long n) {
        inFlight.addAndGet(-n);
        if (!peer.isActive()) {
            data.release();
            return;
        }
        peer.writeAndFlush(data, peer.voidPromise());
        if (!self.config().isAutoRead() && !mustPause()) {
            self.config().setAutoRead(true);
        }
    }

    private void dropBatch() {
        batch.forEach(ByteBuf::release);
        batch.clear();
        batchBytes = 0;
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
            // the end arrives right after the last DATA, before the pass is complete: the data goes first
            handOver();
            if (peer.isActive()) {
                StreamFrameAdapter.endStream(peer);
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        dropBatch();
        if (!ended) {
            peer.close();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        dropBatch();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("bridge {} closed: {}", ctx.channel(), cause.toString());
        } else {
            log.warn("bridge {} failed", ctx.channel(), cause);
        }
        dropBatch();
        ctx.close();
        peer.close();
    }
}

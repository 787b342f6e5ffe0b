package dev.flux.protocol.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bridges two channels that carry {@link ByteBuf}s: a TCP socket and a tunnel stream (behind a
 * {@link StreamFrameAdapter}), or any other pair.
 *
 * <p>Backpressure follows Netty's proxy example, batched: a side reads while its peer is writable; when a write
 * makes the peer unwritable the side stops reading until the peer drains below its low-water mark. No queue grows
 * past the channels' own write buffers, so a slow consumer costs memory bounded by the high-water mark and the
 * HTTP/2 stream window, and never stalls other streams.
 *
 * <p>Half-close is carried both ways: a FIN on the socket ends the stream (END_STREAM), END_STREAM on the stream
 * shuts down the socket's output. Either side closing closes the other once pending bytes are flushed.
 */
public final class Relay extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(Relay.class);
    /** How long a closing side may keep flushing to a reader that does not read before it is closed anyway. */
    static final long CLOSE_FLUSH_TIMEOUT_SECONDS = 10;

    private final Channel peer;
    private final TrafficCounter counter;
    private final boolean inbound;

    private Relay(Channel peer, TrafficCounter counter, boolean inbound) {
        this.peer = peer;
        this.counter = counter;
        this.inbound = inbound;
    }

    /**
     * Starts relaying between {@code publicSide} (bytes counted as "in") and {@code localSide} ("out"). Both
     * channels must be active, should have auto-read off until now, and are closed together.
     */
    public static void bridge(Channel publicSide, Channel localSide, TrafficCounter counter) {
        publicSide.pipeline().addLast("relay", new Relay(localSide, counter, true));
        localSide.pipeline().addLast("relay", new Relay(publicSide, counter, false));
        resumeReading(publicSide);
        resumeReading(localSide);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!peer.isActive()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (counter != null) {
            long n = msg instanceof ByteBuf b ? b.readableBytes()
                    : msg instanceof ByteBufHolder h ? h.content().readableBytes() : 0;
            if (inbound) {
                counter.addIn(n);
            } else {
                counter.addOut(n);
            }
        }
        peer.write(msg, peer.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
        if (!peer.isWritable()) {
            Channel self = ctx.channel();
            self.config().setAutoRead(false);
            // the peer may have drained between the check and the switch; its event would have been missed
            if (peer.isWritable()) {
                resumeReading(self);
            }
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            resumeReading(peer);
        }
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * Turns auto-read back on, unless the channel's input is already shut down (a half-closed socket): there is
     * nothing left to read, and the epoll transport fails the read request of such a socket, which would close it
     * while its output still carries the other direction.
     */
    private static void resumeReading(Channel ch) {
        // a socket only: a QUIC stream (xtcp) is input-shut when its FIN arrives, with data still to be read
        if (ch instanceof SocketChannel d && d.isInputShutdown()) {
            return;
        }
        ch.config().setAutoRead(true);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent || evt instanceof StreamEnded) {
            endPeerOutput();
        }
        ctx.fireUserEventTriggered(evt);
    }

    private void endPeerOutput() {
        if (!peer.isActive()) {
            return;
        }
        if (StreamFrameAdapter.isStream(peer)) {
            StreamFrameAdapter.endStream(peer);
        } else if (peer instanceof SocketChannel socket) {
            socket.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> {
                if (socket.isInputShutdown()) {
                    socket.close();
                } else {
                    socket.shutdownOutput();
                }
            });
        } else {
            closeOnFlush(peer);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closeOnFlush(peer);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("relay {} closed: {}", ctx.channel(), cause.toString());
        } else {
            log.warn("relay {} failed", ctx.channel(), cause);
        }
        ctx.close();
        closeOnFlush(peer);
    }

    /**
     * Closes a channel after everything written to it so far has gone out. A stream is ended (END_STREAM) first
     * and reset only if its peer has not ended it by the time the END_STREAM frame left, so that bytes still
     * waiting for flow-control credit are not dropped.
     */
    public static void closeOnFlush(Channel ch) {
        if (!ch.isActive()) {
            ch.close();
            return;
        }
        ChannelFuture flushed = StreamFrameAdapter.isStream(ch)
                ? StreamFrameAdapter.endStream(ch)
                : ch.writeAndFlush(Unpooled.EMPTY_BUFFER);
        flushed.addListener(ChannelFutureListener.CLOSE);
        if (!flushed.isDone()) {
            // a reader that never reads must not keep the channel (and its buffers) forever
            ScheduledFuture<?> deadline = ch.eventLoop().schedule(() -> {
                ch.close();
            }, CLOSE_FLUSH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            ch.closeFuture().addListener(f -> deadline.cancel(false));
        }
    }
}

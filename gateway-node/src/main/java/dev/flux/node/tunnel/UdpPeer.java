package dev.flux.node.tunnel;

import dev.flux.protocol.stream.DatagramFrameDecoder;
import dev.flux.protocol.stream.DatagramFrameEncoder;
import dev.flux.protocol.stream.Relay;
import dev.flux.protocol.stream.StreamEnded;
import dev.flux.protocol.stream.StreamFrameAdapter;
import dev.flux.protocol.stream.StreamHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One visitor of a {@link UdpTunnel} and the stream that carries its datagrams to the agent. Runs on the agent
 * connection's event loop.
 *
 * <p>Datagrams are written optimistically, before the agent's answer; the few that arrive while the stream is being
 * opened wait in a queue of at most {@link #MAX_PENDING_DATAGRAMS}.
 */
final class UdpPeer {

    private static final Logger log = LoggerFactory.getLogger(UdpPeer.class);
    /** Datagrams held while the stream opens: a request and a few retries, not a burst. */
    static final int MAX_PENDING_DATAGRAMS = 16;

    private final UdpTunnel tunnel;
    private final InetSocketAddress visitor;
    private final String client;
    private final ArrayDeque<ByteBuf> pending = new ArrayDeque<>(4);
    private Http2StreamChannel stream;
    private boolean closing;
    private boolean unflushed;

    UdpPeer(UdpTunnel tunnel, InetSocketAddress visitor) {
        this.tunnel = tunnel;
        this.visitor = visitor;
        this.client = AgentSession.address(visitor);
    }

    InetSocketAddress visitor() {
        return visitor;
    }

    /** The visitor's address as {@code ip:port}. */
    String client() {
        return client;
    }

    void open() {
        tunnel.openStream(client, tunnel.serverAddress(), new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel ch) {
                ch.pipeline().addLast(StreamFrameAdapter.INSTANCE, new DatagramFrameDecoder(),
                        DatagramFrameEncoder.INSTANCE, new AgentDatagrams());
            }
        }).addListener(this::opened);
    }

    private void opened(Future<? super Http2StreamChannel> f) {
        if (!f.isSuccess()) {
            log.debug("[{}] cannot open a stream for {}: {}", tunnel.name(), client, f.cause().toString());
            tunnel.droppedTowardAgent(releasePending());
            tunnel.sessionEnded(this);
            return;
        }
        stream = (Http2StreamChannel) f.getNow();
        stream.closeFuture().addListener(c -> {
            tunnel.droppedTowardAgent(releasePending());
            tunnel.sessionEnded(this);
        });
        if (closing) {
            Relay.closeOnFlush(stream);
            return;
        }
        for (ByteBuf d; (d = pending.poll()) != null; ) {
            stream.write(d, stream.voidPromise());
        }
        stream.flush();
    }

    /**
     * Passes a datagram from the visitor toward the agent, or drops it when the stream cannot take it now. Takes
     * ownership of {@code datagram}.
     *
     * @return false when it was dropped
     */
    boolean send(ByteBuf datagram) {
        if (closing) {
            datagram.release();
            return false;
        }
        if (stream == null) {
            if (pending.size() >= MAX_PENDING_DATAGRAMS) {
                datagram.release();
                return false;
            }
            pending.add(compact(datagram));
            return true;
        }
        if (!stream.isActive() || !stream.isWritable()) {
            datagram.release();
            return false;
        }
        stream.write(datagram, stream.voidPromise());
        return true;
    }

    /** Marks the stream as written to since the last flush; true if it was not marked yet. */
    boolean markUnflushed() {
        if (unflushed) {
            return false;
        }
        unflushed = true;
        return true;
    }

    void flush() {
        unflushed = false;
        if (stream != null) {
            stream.flush();
        }
    }

    /** Ends the session: its stream is ended and closed (at once if it is still opening, once it opens). */
    void close() {
        if (closing) {
            return;
        }
        closing = true;
        if (stream != null) {
            Relay.closeOnFlush(stream);
        }
    }

    /**
     * A copy that holds just the datagram: the receive buffer it arrived in is sized for the largest datagram, and a
     * queue of those would cost 64 KiB per waiting datagram whatever its size.
     */
    private static ByteBuf compact(ByteBuf datagram) {
        try {
            return datagram.alloc().buffer(datagram.readableBytes()).writeBytes(datagram);
        } finally {
            datagram.release();
        }
    }

    private int releasePending() {
        int n = pending.size();
        for (ByteBuf d; (d = pending.poll()) != null; ) {
            d.release();
        }
        return n;
    }

    /** Reads the agent's answer and then its replies, which go back to the visitor. */
    private final class AgentDatagrams extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf datagram) {
                tunnel.reply(UdpPeer.this, datagram);
            } else if (msg instanceof Http2HeadersFrame h) {
                boolean accepted = "200".equals(String.valueOf(h.headers().status()));
                tunnel.sessionAnswered(UdpPeer.this,
                        accepted ? null : String.valueOf(StreamHeaders.get(h.headers(), StreamHeaders.ERROR)));
                if (!accepted) {
                    close();
                }
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            tunnel.flushReplies();
            ctx.fireChannelReadComplete();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof StreamEnded) {
                close(); // the agent let go of its local socket
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.info("[{}] session of {} closed: {}", tunnel.name(), client, TunnelServer.describe(cause));
            close();
            ctx.close();
        }
    }
}

package dev.flux.client;

import dev.flux.protocol.e2e.SecretStreamHandler;
import dev.flux.protocol.net.Transports;
import dev.flux.protocol.stream.DatagramFraming;
import dev.flux.protocol.stream.Relay;
import dev.flux.protocol.stream.StreamEnded;
import dev.flux.protocol.stream.StreamHeaders;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import java.net.PortUnreachableException;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one stream the node opened for a visitor of a UDP tunnel: a datagram socket connected to the tunnel's
 * local service, on the stream's event loop. Each datagram decoded from the stream is sent to the service; each
 * datagram the service sends back becomes one frame on the stream. The socket is closed with the stream.
 *
 * <p>Nothing queues: a datagram that meets a socket or stream that cannot take it now is dropped and counted, as a
 * router would; only the few that arrive while the socket is set up wait (at most {@link #MAX_EARLY_DATAGRAMS}).
 * An ICMP "port unreachable" from the local service (nothing listening yet) is counted and the session goes on.
 *
 * <p>Sits behind a {@code DatagramFrameDecoder} and a {@code DatagramFrameEncoder} on the stream.
 */
final class UdpStreamHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(UdpStreamHandler.class);
    static final int MAX_EARLY_DATAGRAMS = 16;
    /** Receive buffer per datagram: above the largest UDP payload, so no reply is cut short. */
    private static final int DATAGRAM_BUFFER_SIZE = 65_536;
    /**
     * Kernel receive buffer of the local socket (capped by the system's maximum): the service's replies arrive in
     * bursts while the event loop is busy with other streams, and the default (about 200 KiB, some 90 datagrams
     * of 1,200 B counting the kernel's overhead) overflows.
     */
    private static final int SOCKET_RECEIVE_BUFFER_SIZE = 1024 * 1024;

    private final TunnelHandle tunnel;
    private final String client;
    private final ChannelGroup openChannels;
    private final ArrayDeque<ByteBuf> early = new ArrayDeque<>(4);
    private Channel stream;
    private Channel local;
    private boolean ended;
    private boolean localUnflushed;
    private long dropped;
    private long unreachable;

    private final boolean answered;
    /** PROXY protocol v2 header put before every datagram to the local service; null: none. */
    private final byte[] proxyHeader;

    /**
     * @param client the visitor's address as the node named it, for logs
     */
    UdpStreamHandler(TunnelHandle tunnel, String client, ChannelGroup openChannels) {
        this(tunnel, client, openChannels, false);
    }

    /**
     * @param proxyHeader the visitor's PROXY protocol header, sent before every datagram (HAProxy, nginx and BIND
     *     read one per datagram: UDP has no connection to send it once on); null for none
     */
    UdpStreamHandler(TunnelHandle tunnel, String client, ChannelGroup openChannels, ProxyHeader proxyHeader) {
        this(tunnel, client, openChannels, false, proxyHeader);
    }

    /**
     * @param answered the stream was already answered {@code 200} (an sudp stream, answered before its handshake)
     */
    UdpStreamHandler(TunnelHandle tunnel, String client, ChannelGroup openChannels, boolean answered) {
        this(tunnel, client, openChannels, answered, null);
    }

    private UdpStreamHandler(TunnelHandle tunnel, String client, ChannelGroup openChannels, boolean answered,
                             ProxyHeader proxyHeader) {
        this.proxyHeader = proxyHeader == null ? null : proxyHeader.encodeDatagram();
        this.tunnel = tunnel;
        this.client = client;
        this.openChannels = openChannels;
        this.answered = answered;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        stream = ctx.channel();
        stream.config().setAutoRead(false);
        ChannelFuture connect = new Bootstrap()
                .group(stream.eventLoop())
                .channel(Transports.datagramChannel())
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(DATAGRAM_BUFFER_SIZE))
                .option(ChannelOption.SO_RCVBUF, SOCKET_RECEIVE_BUFFER_SIZE)
                .handler(new LocalReplies())
                .connect(tunnel.config.localIp(), tunnel.config.localPort());
        connect.addListener(f -> connected(connect));
    }

    private void connected(ChannelFuture connect) {
        if (!connect.isSuccess()) {
            connect.channel().close();
            String reason = "cannot reach the local UDP service at " + tunnel.localAddress() + ": "
                    + (connect.cause().getMessage() == null ? connect.cause().toString() : connect.cause().getMessage());
            log.info("[{}] {}", tunnel.config.name(), reason);
            releaseEarly();
            if (answered) {
                SecretStreamHandler.sendError(stream, reason);
            } else {
                stream.writeAndFlush(new DefaultHttp2HeadersFrame(StreamHeaders.failed(reason), true));
            }
            return;
        }
        local = connect.channel();
        openChannels.add(local);
        if (!stream.isActive()) {
            releaseEarly();
            local.close();
            return;
        }
        tunnel.counter.connectionOpened();
        local.closeFuture().addListener(c -> {
            tunnel.counter.connectionClosed();
            if (dropped > 0 || unreachable > 0) {
                log.debug("[{}] session of {} closed; {} datagrams dropped, {} sent while nothing listened at {}",
                        tunnel.config.name(), client, dropped, unreachable, tunnel.localAddress());
            }
        });
        stream.closeFuture().addListener(c -> local.close());
        if (!answered) {
            stream.write(new DefaultHttp2HeadersFrame(StreamHeaders.accepted()));
        }
        for (ByteBuf d; (d = early.poll()) != null; ) {
            toLocal(d);
        }
        local.flush();
        stream.flush();
        if (ended) {
            end();
        } else {
            stream.config().setAutoRead(true);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf datagram)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (local != null) {
            toLocal(datagram);
        } else if (early.size() < MAX_EARLY_DATAGRAMS) {
            early.add(datagram);
        } else {
            datagram.release();
            dropped++;
        }
    }

    private void toLocal(ByteBuf datagram) {
        if (!local.isActive() || !local.isWritable()) {
            datagram.release();
            dropped++;
            return;
        }
        tunnel.counter.addIn(datagram.readableBytes());
        local.write(proxyHeader == null ? datagram : Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(proxyHeader),
                datagram), local.voidPromise());
        localUnflushed = true;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (localUnflushed) {
            localUnflushed = false;
            local.flush();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof StreamEnded) {
            ended = true;
            if (local != null) {
                end();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    /** The node ended the session (the visitor went idle): let go of the socket and end our side too. */
    private void end() {
        local.close();
        Relay.closeOnFlush(stream);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseEarly();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.info("[{}] session of {} closed: {}", tunnel.config.name(), client, cause.getMessage());
        ctx.close();
    }

    private void releaseEarly() {
        for (ByteBuf d; (d = early.poll()) != null; ) {
            d.release();
        }
    }

    /** Sends the local service's replies back on the stream. */
    private final class LocalReplies extends ChannelInboundHandlerAdapter {

        private boolean streamUnflushed;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof DatagramPacket packet)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            ByteBuf datagram = packet.content();
            int length = datagram.readableBytes();
            if (length > DatagramFraming.MAX_DATAGRAM_LENGTH || !stream.isActive() || !stream.isWritable()) {
                packet.release();
                dropped++;
                return;
            }
            tunnel.counter.addOut(length);
            stream.write(datagram, stream.voidPromise());
            streamUnflushed = true;
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (streamUnflushed) {
                streamUnflushed = false;
                stream.flush();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // a datagram socket keeps working after an error; the service may start listening later
            if (cause instanceof PortUnreachableException) {
                if (unreachable++ == 0) {
                    log.debug("[{}] nothing listens at {} (ICMP port unreachable); datagrams of {} are lost until "
                            + "something does", tunnel.config.name(), tunnel.localAddress(), client);
                }
            } else {
                log.debug("[{}] local UDP socket for {}: {}", tunnel.config.name(), client, cause.toString());
            }
        }
    }
}

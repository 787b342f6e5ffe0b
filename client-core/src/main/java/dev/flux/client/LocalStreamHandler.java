package dev.flux.client;

import dev.flux.protocol.e2e.SecretStreamHandler;
import dev.flux.protocol.net.Transports;
import dev.flux.protocol.stream.Relay;
import dev.flux.protocol.stream.StreamEnded;
import dev.flux.protocol.stream.StreamHeaders;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import java.net.ConnectException;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one stream the node opened for a public connection: dials the tunnel's local service on the stream's
 * event loop, answers {@code 200} and relays, or answers {@code 502} with the reason when the service cannot be
 * reached. Bytes that arrive while dialling are held (at most one stream window) and sent first.
 */
final class LocalStreamHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(LocalStreamHandler.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private final TunnelHandle tunnel;
    private final ChannelGroup openChannels;
    private final ArrayDeque<Object> early = new ArrayDeque<>(2);
    private final HttpExchangeListener observer;
    private final ProxyHeader proxyHeader;
    private final boolean answered;
    private boolean ended;

    /**
     * @param observer receives the HTTP exchanges of this stream, or null to relay without decoding them
     * @param proxyHeader the PROXY protocol header to write first to the local service, or null for none
     */
    LocalStreamHandler(TunnelHandle tunnel, ChannelGroup openChannels, HttpExchangeListener observer,
                       ProxyHeader proxyHeader) {
        this(tunnel, openChannels, observer, proxyHeader, false);
    }

    /**
     * @param answered the stream was already answered {@code 200} (a secret tunnel's stream, answered before its
     *                 handshake): a failure to reach the service then ends it with an encrypted error record
     */
    LocalStreamHandler(TunnelHandle tunnel, ChannelGroup openChannels, HttpExchangeListener observer,
                       ProxyHeader proxyHeader, boolean answered) {
        this.tunnel = tunnel;
        this.openChannels = openChannels;
        this.observer = observer;
        this.proxyHeader = proxyHeader;
        this.answered = answered;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        Channel stream = ctx.channel();
        stream.config().setAutoRead(false);
        ChannelFuture connect = new Bootstrap()
                .group(stream.eventLoop())
                .channel(Transports.socketChannel())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(tunnel.config.localIp(), tunnel.config.localPort());
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                String reason = reason(f.cause());
                log.info("[{}] {}", tunnel.config.name(), reason);
                releaseEarly();
                if (answered) {
                    SecretStreamHandler.sendError(stream, reason);
                } else {
                    stream.writeAndFlush(new DefaultHttp2HeadersFrame(StreamHeaders.failed(reason), true));
                }
                return;
            }
            Channel local = connect.channel();
            openChannels.add(local);
            if (!stream.isActive()) {
                releaseEarly();
                local.close();
                return;
            }
            tunnel.counter.connectionOpened();
            local.closeFuture().addListener(c -> tunnel.counter.connectionClosed());
            if (!answered) {
                stream.write(new DefaultHttp2HeadersFrame(StreamHeaders.accepted()));
            }
            ctx.pipeline().remove(this);
            HttpExchangeObserver observing = observer == null ? null
                    : HttpExchangeObserver.attach(tunnel.config.name(), stream, local, observer);
            if (proxyHeader != null) {
                // before any byte of the visitor's, and not counted as its traffic
                local.write(proxyHeader.encode(local.alloc()));
            }
            Object m;
            while ((m = early.poll()) != null) {
                tunnel.counter.addIn(m instanceof ByteBuf b ? b.readableBytes() : 0);
                if (observing != null && m instanceof ByteBuf b) {
                    observing.requestBytes(b);
                }
                local.write(m);
            }
            local.flush();
            stream.flush();
            stream.closeFuture().addListener(c -> Relay.closeOnFlush(local));
            Relay.bridge(stream, local, tunnel.counter);
            if (ended) {
                stream.pipeline().fireUserEventTriggered(StreamEnded.INSTANCE);
            }
        });
    }

    private String reason(Throwable cause) {
        String target = tunnel.localAddress();
        if (cause instanceof ConnectTimeoutException) {
            return "connecting to the local service at " + target + " timed out after " + CONNECT_TIMEOUT_MILLIS
                    + " ms";
        }
        if (cause instanceof ConnectException) {
            return "the local service at " + target + " refused the connection (is it running?)";
        }
        return "cannot connect to the local service at " + target + ": " + cause.getMessage();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        early.add(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof StreamEnded) {
            ended = true;
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseEarly();
        ctx.fireChannelInactive();
    }

    private void releaseEarly() {
        Object m;
        while ((m = early.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
    }
}

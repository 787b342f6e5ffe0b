package dev.flux.client;

import dev.flux.client.config.TunnelConfig;
import dev.flux.protocol.FluxVersion;
import dev.flux.protocol.e2e.E2eRole;
import dev.flux.protocol.e2e.SecretStreamHandler;
import dev.flux.protocol.control.ControlFrameDecoder;
import dev.flux.protocol.control.ControlFrameEncoder;
import dev.flux.protocol.control.ControlMessage;
import dev.flux.protocol.stream.DatagramFrameDecoder;
import dev.flux.protocol.stream.DatagramFrameEncoder;
import dev.flux.protocol.stream.Http2Transport;
import dev.flux.protocol.stream.StreamFrameAdapter;
import dev.flux.protocol.stream.StreamHeaders;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/2 side of one connection to a node, set up once TLS has negotiated {@code flux/1}: answers the streams
 * the node opens (the control stream first, then one per public connection) and pings the node so that a dead
 * connection is noticed within {@link #DEAD_AFTER_SECONDS} seconds.
 */
final class NodeConnection extends ApplicationProtocolNegotiationHandler {

    private static final Logger log = LoggerFactory.getLogger(NodeConnection.class);
    static final int PING_INTERVAL_SECONDS = 2;
    static final int DEAD_AFTER_SECONDS = 8;

    private final Agent agent;

    NodeConnection(Agent agent) {
        super("none");
        this.agent = agent;
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        if (!FluxVersion.ALPN.equals(protocol)) {
            agent.connectionFailed("the server at " + ctx.channel().remoteAddress()
                    + " is not a FLUX Gateway node (it did not negotiate " + FluxVersion.ALPN + ")");
            ctx.close();
            return;
        }
        Channel ch = ctx.channel();
        // a stream waiting for its reader (auto-read off) is not closed by HTTP/2 when the connection dies
        ChannelGroup streams = new DefaultChannelGroup(ch.eventLoop());
        ctx.pipeline().addLast("idle", new IdleStateHandler(DEAD_AFTER_SECONDS, 0, 0));
        Http2Transport.addAgentSide(ctx.pipeline(), new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                streams.add(stream);
                stream.pipeline().addLast(StreamFrameAdapter.INSTANCE, new StreamDispatcher());
            }
        });
        ctx.pipeline().addLast("liveness", new Liveness(streams));
        Http2Transport.raiseConnectionWindow(ctx.pipeline());
        log.debug("connected to {} ({})", ch.remoteAddress(), protocol);
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
        agent.handshakeFailed(ctx.channel(), cause);
        ctx.close();
    }

    /** Pings the node and closes the connection when nothing has been read for too long. */
    private static final class Liveness extends ChannelInboundHandlerAdapter {
        private final ChannelGroup streams;
        private ScheduledFuture<?> pinger;

        Liveness(ChannelGroup streams) {
            this.streams = streams;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            Channel ch = ctx.channel();
            pinger = ch.eventLoop().scheduleAtFixedRate(
                    () -> ch.writeAndFlush(new DefaultHttp2PingFrame(System.nanoTime())),
                    PING_INTERVAL_SECONDS, PING_INTERVAL_SECONDS, TimeUnit.SECONDS);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                log.info("the node sent nothing for {} s (not even a ping answer); reconnecting", DEAD_AFTER_SECONDS);
                ctx.close();
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            pinger.cancel(false);
            streams.close();
            ctx.fireChannelInactive();
        }
    }

    /**
     * Reads a new stream's HEADERS and gives the stream to the control handler, to a local dialer (tcp, http) or to
     * a local datagram socket (udp).
     */
    private final class StreamDispatcher extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof Http2HeadersFrame h)) {
                ReferenceCountUtil.release(msg);
                ctx.close();
                return;
            }
            String kind = StreamHeaders.get(h.headers(), StreamHeaders.KIND);
            Channel stream = ctx.channel();
            if (StreamHeaders.KIND_CONTROL.equals(kind)) {
                ctx.pipeline().replace(this, "control-decoder", new ControlFrameDecoder());
                stream.pipeline().addLast(ControlFrameEncoder.INSTANCE, new ControlHandler());
                stream.writeAndFlush(new DefaultHttp2HeadersFrame(StreamHeaders.accepted()));
                agent.controlStreamOpened(stream);
                return;
            }
            if (StreamHeaders.KIND_VISIT.equals(kind)) {
                agent.visits().streamOpened(ctx, this, StreamHeaders.get(h.headers(), StreamHeaders.VISIT));
                return;
            }
            String name = StreamHeaders.get(h.headers(), StreamHeaders.TUNNEL);
            TunnelHandle tunnel = name == null ? null : agent.tunnel(name);
            if (tunnel == null) {
                stream.writeAndFlush(new DefaultHttp2HeadersFrame(
                        StreamHeaders.failed("this agent has no tunnel named '" + name + "'"), true));
                return;
            }
            if (TunnelConfig.STCP.equals(kind) || TunnelConfig.SUDP.equals(kind) || TunnelConfig.XTCP.equals(kind)) {
                if (!kind.equals(tunnel.config.type())) {
                    stream.writeAndFlush(new DefaultHttp2HeadersFrame(StreamHeaders.failed(
                            "tunnel '" + name + "' of this agent is not an " + kind + " tunnel"), true));
                    return;
                }
                // answered at once: the handshake runs inside the stream, and the service is dialled after it
                stream.writeAndFlush(new DefaultHttp2HeadersFrame(StreamHeaders.accepted()));
                String client = StreamHeaders.get(h.headers(), StreamHeaders.CLIENT);
                ctx.pipeline().replace(this, "e2e",
                        new SecretStreamHandler(E2eRole.OWNER, tunnel.config.secretKey(), name));
                stream.pipeline().addLast("owner", new SecretOwnerStream(tunnel, client, agent.openChannels()));
                return;
            }
            if (TunnelConfig.UDP.equals(kind)) {
                if (!TunnelConfig.UDP.equals(tunnel.config.type())) {
                    stream.writeAndFlush(new DefaultHttp2HeadersFrame(
                            StreamHeaders.failed("tunnel '" + name + "' of this agent is not a udp tunnel"), true));
                    return;
                }
                // every datagram is one frame on the stream; the handler connects a local datagram socket
                String client = StreamHeaders.get(h.headers(), StreamHeaders.CLIENT);
                ctx.pipeline().replace(this, "datagram-decoder", new DatagramFrameDecoder());
                stream.pipeline().addLast("datagram-encoder", DatagramFrameEncoder.INSTANCE);
                stream.pipeline().addLast("local", new UdpStreamHandler(tunnel, client, agent.openChannels(),
                        ProxyHeader.of(tunnel.config.proxyProtocol(), h.headers())));
                return;
            }
            ctx.pipeline().replace(this, "local", new LocalStreamHandler(tunnel, agent.openChannels(),
                    TunnelConfig.HTTP.equals(kind) ? agent.httpObserver() : null,
                    ProxyHeader.of(tunnel.config.proxyProtocol(), h.headers())));
        }
    }

    /** Hands control messages to the agent. */
    private final class ControlHandler extends SimpleChannelInboundHandler<ControlMessage> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ControlMessage msg) {
            agent.controlMessage(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.warn("control stream error: {}; reconnecting", cause.getMessage());
            ctx.channel().parent().close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Channel parent = ctx.channel().parent();
            if (parent != null) {
                parent.close();
            }
        }
    }

}

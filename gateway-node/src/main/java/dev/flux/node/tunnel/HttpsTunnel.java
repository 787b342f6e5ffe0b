package dev.flux.node.tunnel;

import dev.flux.protocol.stream.Relay;
import dev.flux.protocol.stream.StreamFrameAdapter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An https tunnel whose TLS passes through the node: the HTTPS vhost routes a visitor's connection here by the SNI
 * of its ClientHello and relays the raw TLS bytes, ClientHello included, to the agent, whose local service
 * terminates TLS. The node never sees plaintext. (An https tunnel whose TLS the node terminates is an
 * {@link HttpTunnel} with {@link HttpTunnel#secure()}.)
 */
public final class HttpsTunnel extends Tunnel {

    private static final Logger log = LoggerFactory.getLogger(HttpsTunnel.class);

    private final List<String> hosts;
    private final List<String> urls;

    HttpsTunnel(String name, AgentSession session, String localAddress, List<String> hosts, List<String> urls) {
        super(name, session, localAddress);
        this.hosts = List.copyOf(hosts);
        this.urls = List.copyOf(urls);
    }

    @Override
    public List<String> hosts() {
        return hosts;
    }

    @Override
    String kind() {
        return "https";
    }

    @Override
    public List<String> urls() {
        return urls;
    }

    @Override
    void close() {
        session().registry().leaveHttpsHosts(this, hosts);
    }

    /**
     * A handler that takes over a public connection whose ClientHello named one of this tunnel's hosts: it holds
     * the bytes read so far (the ClientHello), opens a stream to the agent, sends them first and then bridges the
     * connection to the stream. Add it with auto-read off.
     */
    public ChannelHandler passthroughHandler() {
        return new Passthrough();
    }

    private final class Passthrough extends ChannelInboundHandlerAdapter {
        private final ArrayDeque<Object> pending = new ArrayDeque<>(2);
        private boolean done;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            Channel publicChannel = ctx.channel();
            publicChannel.config().setAutoRead(false);
            if (!admits((InetSocketAddress) publicChannel.remoteAddress())) {
                done = true;
                publicChannel.close();
                return;
            }
            if (!admitsConnection()) {
                log.info("[{}] refusing connection from {}: the tunnel's connection limit ({}) is reached", name(),
                        publicChannel.remoteAddress(), connectionLimit());
                done = true;
                publicChannel.close();
                return;
            }
            counter().connectionOpened();
            publicChannel.closeFuture().addListener(f -> counter().connectionClosed());
            limitBandwidth(publicChannel);
            String client = AgentSession.address(publicChannel.remoteAddress());
            String server = AgentSession.address(publicChannel.localAddress());
            openStream(client, server, new ChannelInitializer<Http2StreamChannel>() {
                @Override
                protected void initChannel(Http2StreamChannel stream) {
                    stream.pipeline().addLast(StreamFrameAdapter.INSTANCE,
                            new TcpTunnel.AgentAnswer(HttpsTunnel.this, publicChannel));
                }
            }).addListener(f -> publicChannel.eventLoop().execute(() -> {
                if (!f.isSuccess()) {
                    log.debug("[{}] cannot open a stream for {}: {}", name(), client, f.cause().toString());
                    release();
                    publicChannel.close();
                    return;
                }
                Http2StreamChannel stream = (Http2StreamChannel) f.getNow();
                publicChannel.closeFuture().addListener(c -> Relay.closeOnFlush(stream));
                if (!publicChannel.isActive()) {
                    release();
                    return;
                }
                Object msg;
                while ((msg = pending.poll()) != null) {
                    stream.write(msg);
                }
                done = true;
                stream.flush();
                ctx.pipeline().remove(this);
                Relay.bridge(publicChannel, stream, counter());
            }));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (done) {
                ReferenceCountUtil.release(msg);
                return;
            }
            pending.add(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            // swallowed: the bytes wait in pending until the stream is open
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            release();
            ctx.fireChannelInactive();
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            release();
        }

        private void release() {
            Object m;
            while ((m = pending.poll()) != null) {
                ReferenceCountUtil.release(m);
            }
        }
    }
}

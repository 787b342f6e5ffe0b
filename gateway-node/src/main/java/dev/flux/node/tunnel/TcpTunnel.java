package dev.flux.node.tunnel;

import dev.flux.protocol.stream.Relay;
import dev.flux.protocol.stream.StreamFrameAdapter;
import dev.flux.protocol.stream.StreamHeaders;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP tunnel: a port on the node whose connections are relayed, each on its own stream, to the agent's local
 * service. Public connections run on the event loop of the agent connection that serves them (in a group, the
 * member the connection goes to), so relaying never hops threads.
 */
public final class TcpTunnel extends Tunnel {

    private static final Logger log = LoggerFactory.getLogger(TcpTunnel.class);

    private final int port;
    private final String url;
    private volatile Channel listener;

    TcpTunnel(String name, AgentSession session, String localAddress, int port, String publicHost) {
        super(name, session, localAddress);
        this.port = port;
        this.url = "tcp://" + publicHost + ":" + port;
    }

    public int port() {
        return port;
    }

    @Override
    String kind() {
        return "tcp";
    }

    @Override
    public List<String> urls() {
        return List.of(url);
    }

    void listening(Channel listener) {
        this.listener = listener;
    }

    /** The listener this tunnel holds, or null; called under the registry's lock. */
    Channel listener() {
        return listener;
    }

    @Override
    void close() {
        // the port and its listener pass to the group's next member, or are released, in one step under the
        // registry's lock: two members closing at once on different event loops cannot hand the listener to a
        // member that has already left
        Channel orphan = session().registry().leaveTcpPort(this);
        if (orphan != null) {
            orphan.close();
        }
    }

    /** Handles each accepted public connection: admits it, opens a stream and bridges the two. */
    ChannelInitializer<Channel> publicConnectionHandler() {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                session().server().openChannels().add(ch);
                ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        ctx.pipeline().remove(this);
                        accept(ctx.channel());
                    }
                });
            }
        };
    }

    private void accept(Channel publicChannel) {
        // in a load-balancing group, any member's listener hands connections to the members in turn
        TcpTunnel member = (TcpTunnel) pick();
        EventLoop loop = member.eventLoop();
        if (publicChannel.eventLoop() == loop) {
            member.serve(publicChannel);
            return;
        }
        // the listener belongs to another member (or to the member that founded the group and has left): the
        // connection moves to the event loop of the agent connection that serves it, so that relaying never hops
        // threads and no connection depends on a session that has closed
        publicChannel.deregister().addListener(d -> {
            if (!d.isSuccess()) {
                publicChannel.close();
                return;
            }
            loop.register(publicChannel).addListener(r -> {
                if (r.isSuccess()) {
                    member.serve(publicChannel);
                } else {
                    log.debug("[{}] cannot move connection {} to the member's event loop: {}", name(),
                            publicChannel, r.cause().toString());
                    publicChannel.close();
                }
            });
        });
    }

    private void serve(Channel publicChannel) {
        if (!admits((InetSocketAddress) publicChannel.remoteAddress())) {
            publicChannel.close();
            return;
        }
        if (!admitsConnection()) {
            log.info("[{}] refusing connection from {}: the tunnel's connection limit ({}) is reached", name(),
                    publicChannel.remoteAddress(), connectionLimit());
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
                stream.pipeline().addLast(StreamFrameAdapter.INSTANCE, new AgentAnswer(TcpTunnel.this, publicChannel));
            }
        }).addListener(f -> {
            if (!f.isSuccess()) {
                log.debug("[{}] cannot open a stream for {}: {}", name(), client, f.cause().toString());
                publicChannel.close();
                return;
            }
            Http2StreamChannel stream = (Http2StreamChannel) f.getNow();
            publicChannel.closeFuture().addListener(c -> Relay.closeOnFlush(stream));
            if (publicChannel.isActive()) {
                Relay.bridge(publicChannel, stream, counter());
            }
        });
    }

    /**
     * Reads the agent's answer to a new stream of a byte-relaying tunnel (tcp, https passthrough): 200 lets bytes
     * through, anything else closes the connection.
     */
    static final class AgentAnswer extends ChannelInboundHandlerAdapter {
        private final Tunnel tunnel;
        private final Channel publicChannel;

        AgentAnswer(Tunnel tunnel, Channel publicChannel) {
            this.tunnel = tunnel;
            this.publicChannel = publicChannel;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame h) {
                ctx.pipeline().remove(this);
                String status = String.valueOf(h.headers().status());
                if (!"200".equals(status)) {
                    log.info("[{}] connection from {} closed: {}", tunnel.name(), publicChannel.remoteAddress(),
                            StreamHeaders.get(h.headers(), StreamHeaders.ERROR));
                    publicChannel.close();
                    ctx.close();
                }
                ReferenceCountUtil.release(msg);
                return;
            }
            ctx.fireChannelRead(msg);
        }
    }
}

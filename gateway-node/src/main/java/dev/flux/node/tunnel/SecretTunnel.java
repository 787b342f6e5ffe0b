package dev.flux.node.tunnel;

import dev.flux.protocol.control.OpenVisit;
import dev.flux.protocol.control.VisitRejected;
import dev.flux.protocol.stream.StreamFrameAdapter;
import dev.flux.protocol.stream.StreamHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import dev.flux.protocol.stream.StreamEnded;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An STCP or SUDP tunnel: not exposed on any port or host. Only visitors reach it: a visitor agent asks for a visit
 * ({@link OpenVisit}), and the node opens one stream to the visitor and one to the owner and relays between them.
 * Both ends encrypt end to end with keys derived from the tunnel's secret, which the node never holds: it relays
 * ciphertext, and it learns a visitor held the wrong secret only when the owner ends the stream.
 */
public final class SecretTunnel extends Tunnel {

    private static final Logger log = LoggerFactory.getLogger(SecretTunnel.class);

    private final String type;
    private final String owner;
    private final List<String> allowUsers;

    SecretTunnel(String name, AgentSession session, String localAddress, String type, List<String> allowUsers) {
        super(name, session, localAddress);
        this.type = type;
        this.owner = session.token().user();
        this.allowUsers = List.copyOf(allowUsers);
    }

    /** {@code stcp} or {@code sudp}. */
    public String type() {
        return type;
    }

    /** Who registered it: the token's name standalone, the login's name with a control plane. */
    public String owner() {
        return owner;
    }

    @Override
    String kind() {
        return type;
    }

    @Override
    public List<String> urls() {
        return List.of(type + "://" + owner + "/" + name());
    }

    @Override
    void close() {
        session().registry().releaseSecret(this);
    }

    /** True when {@code visitor} may visit: anyone holding the secret, or only the listed users. */
    boolean allows(AgentIdentity visitor) {
        return allowUsers.isEmpty() || allowUsers.contains(visitor.user()) || visitor.user().equals(owner);
    }

    /**
     * Serves a visit: called on the visitor session's event loop after the registry found this tunnel for it.
     */
    void visit(AgentSession visitor, OpenVisit request) {
        long id = request.visitId();
        if (!allows(visitor.token())) {
            refuse(visitor, id, visitor.token().user() + " is not allowed to visit tunnel '" + name() + "' (its "
                    + "allowUsers are " + String.join(", ", allowUsers) + ")");
            return;
        }
        if (!admitsConnection()) {
            refuse(visitor, id, "tunnel '" + name() + "' has reached its connection limit ("
                    + session().token().maxConnectionsPerTunnel() + ")");
            return;
        }
        String client = visitor.token().name() + "@" + AgentSession.address(visitor.channel().remoteAddress());
        counter().connectionOpened();
        openStream(client, new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.pipeline().addLast(StreamFrameAdapter.INSTANCE, new Hold("owner"));
            }
        }).addListener(f -> {
            if (!f.isSuccess()) {
                counter().connectionClosed();
                refuse(visitor, id, "the owner of tunnel '" + name() + "' cannot take a stream now: "
                        + TunnelServer.describe(f.cause()));
                return;
            }
            Http2StreamChannel ownerStream = (Http2StreamChannel) f.getNow();
            ownerStream.closeFuture().addListener(c -> counter().connectionClosed());
            Http2Headers headers = StreamHeaders.open(StreamHeaders.KIND_VISIT, name(), null)
                    .set(StreamHeaders.VISIT, Long.toString(id));
            visitor.openStream(headers, new ChannelInitializer<Http2StreamChannel>() {
                @Override
                protected void initChannel(Http2StreamChannel stream) {
                    stream.pipeline().addLast(StreamFrameAdapter.INSTANCE, new Hold("visitor"));
                }
            }).addListener(v -> {
                if (!v.isSuccess()) {
                    ownerStream.close();
                    ownerStream.eventLoop().execute(() -> release(ownerStream, null));
                    return;
                }
                Http2StreamChannel visitorStream = (Http2StreamChannel) v.getNow();
                bridge(visitorStream, ownerStream);
            });
        });
    }

    private void bridge(Http2StreamChannel visitorStream, Http2StreamChannel ownerStream) {
        // a stream that closes before the bridge is in place takes the other one with it
        visitorStream.closeFuture().addListener(c -> {
            if (visitorStream.pipeline().get(StreamBridge.class) == null) {
                ownerStream.close();
            }
        });
        ownerStream.closeFuture().addListener(c -> {
            if (ownerStream.pipeline().get(StreamBridge.class) == null) {
                visitorStream.close();
            }
        });
        Consumer<ByteBuf> tap = session().server().secretRelayTap();
        if (tap != null) {
            visitorStream.pipeline().addLast(new Tap(tap));
            ownerStream.pipeline().addLast(new Tap(tap));
        }
        StreamBridge.bridge(visitorStream, ownerStream, counter());
        visitorStream.eventLoop().execute(() -> release(visitorStream, ownerStream));
        ownerStream.eventLoop().execute(() -> release(ownerStream, visitorStream));
    }

    /** Hands on what a stream's {@link Hold} kept; {@code peer} null: there is nobody to hand it to. */
    private static void release(Channel stream, Channel peer) {
        Hold hold = stream.pipeline().get(Hold.class);
        if (hold != null) {
            hold.release(stream.pipeline().context(hold), peer);
        }
    }

    private void refuse(AgentSession visitor, long id, String reason) {
        log.info("[{}] visit from {} refused: {}", name(), visitor.agentName(), reason);
        visitor.sendControl(new VisitRejected(id, reason));
    }

    /**
     * Reads an agent's answer to a new stream (200 lets bytes through, anything else ends both streams) and holds
     * what arrives before the two streams are bridged: each end sends its handshake hello at once.
     */
    private final class Hold extends ChannelInboundHandlerAdapter {
        private final String side;
        private final ArrayDeque<Object> early = new ArrayDeque<>();
        private boolean released;
        private boolean inactive;
        private boolean ended;

        Hold(String side) {
            this.side = side;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame h) {
                String status = String.valueOf(h.headers().status());
                if (!"200".equals(status)) {
                    log.info("[{}] visit closed by the {}: {}", name(), side,
                            StreamHeaders.get(h.headers(), StreamHeaders.ERROR));
                    ctx.close();
                }
                ReferenceCountUtil.release(msg);
                return;
            }
            if (released) {
                ctx.fireChannelRead(msg);
            } else {
                early.add(msg);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof StreamEnded && !released) {
                early.add(evt);
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        /**
         * On the stream's loop, once the bridge is in place: hands on what was held (also when the stream closed
         * meanwhile: an owner refusing a wrong secret answers and ends at once) and lets everything through from now
         * on, except the agent's answer (HEADERS), which may still be on its way. With no peer, drops what was held.
         */
        void release(ChannelHandlerContext ctx, Channel peer) {
            released = true;
            if (peer == null) {
                drop();
                return;
            }
            for (Object m; (m = early.poll()) != null; ) {
                if (m instanceof StreamEnded) {
                    ended = true;
                    ctx.fireUserEventTriggered(m);
                } else {
                    ctx.fireChannelRead(m);
                }
            }
            ctx.fireChannelReadComplete();
            if (inactive && !ended) {
                peer.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            inactive = true;
            if (released) {
                drop();
            }
            ctx.fireChannelInactive();
        }

        private void drop() {
            for (Object m; (m = early.poll()) != null; ) {
                ReferenceCountUtil.release(m);
            }
        }
    }

    /** Shows the relayed bytes to a diagnostic tap (tests prove with it that the node sees ciphertext only). */
    @Sharable
    private static final class Tap extends ChannelInboundHandlerAdapter {
        private final Consumer<ByteBuf> tap;

        Tap(Consumer<ByteBuf> tap) {
            this.tap = tap;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf b) {
                tap.accept(b.duplicate());
            }
            ctx.fireChannelRead(msg);
        }
    }
}

package dev.flux.client;

import dev.flux.client.config.TunnelConfig;
import dev.flux.client.config.VisitorConfig;
import dev.flux.client.p2p.PeerPath;
import dev.flux.client.p2p.PeerSessions;
import dev.flux.protocol.control.ControlMessage;
import dev.flux.protocol.control.OpenVisit;
import dev.flux.protocol.control.VisitRejected;
import dev.flux.protocol.e2e.E2eException;
import dev.flux.protocol.e2e.E2eHandshakeCompleted;
import dev.flux.protocol.e2e.E2eRole;
import dev.flux.protocol.e2e.SecretStreamHandler;
import dev.flux.protocol.e2e.WrongSecretException;
import dev.flux.protocol.net.Transports;
import dev.flux.protocol.stream.DatagramFrameDecoder;
import dev.flux.protocol.stream.DatagramFrameEncoder;
import dev.flux.protocol.stream.DatagramFraming;
import dev.flux.protocol.stream.Relay;
import dev.flux.protocol.stream.StreamHeaders;
import dev.flux.protocol.stream.TrafficCounter;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's visitors: local ports whose connections (stcp) or datagram peers (sudp) each become a visit, an
 * end-to-end encrypted stream through the node to a secret tunnel. A visit starts with {@link OpenVisit} on the
 * control stream; the node answers with a {@code visit} stream (or {@link VisitRejected}), the two ends run the
 * secret handshake inside it, and then the local side is relayed. Everything runs on the agent's event loop.
 */
final class Visits {

    private static final Logger log = LoggerFactory.getLogger(Visits.class);
    /** How long a visit waits for the node's stream. */
    static final long OPEN_TIMEOUT_SECONDS = 10;
    /** An sudp peer that sends nothing for this long loses its session (and its stream). */
    static final long UDP_IDLE_SECONDS = 60;

    private final EventLoop loop;
    private final ChannelGroup openChannels;
    private final List<Visitor> visitors = new ArrayList<>();
    private final Map<Long, Visit> pending = new HashMap<>();
    private long nextId;
    private Consumer<ControlMessage> control;

    private final AgentListener listener;

    Visits(EventLoop loop, ChannelGroup openChannels, List<VisitorConfig> configs, AgentListener listener,
           PeerSessions peers) {
        this.loop = loop;
        this.listener = listener;
        this.openChannels = openChannels;
        for (VisitorConfig c : configs) {
            visitors.add(new Visitor(c, TunnelConfig.XTCP.equals(c.type())
                    ? peers.path(c.name(), c.serverName(), c.serverUser(), c.secretKey()) : null));
        }
    }

    /**
     * Opens every visitor's local port; returns the bound addresses in configuration order.
     *
     * @throws AgentException of kind CONFIG naming the visitor whose port cannot be opened
     */
    List<InetSocketAddress> bind() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (Visitor v : visitors) {
            out.add(v.bind());
        }
        return out;
    }

    /** The local addresses of the visitors, in configuration order (null before {@link #bind()}). */
    List<InetSocketAddress> addresses() {
        return visitors.stream().map(v -> v.address).toList();
    }

    /** The control stream to send visit requests on; null while not logged in. On the loop. */
    void control(Consumer<ControlMessage> control) {
        this.control = control;
        for (Visit v : new ArrayList<>(pending.values())) {
            if (control == null && v.sent) {
                v.fail("lost the connection to the node");
            } else if (control != null && !v.sent) {
                send(v);
            }
        }
    }

    void rejected(VisitRejected r) {
        Visit v = pending.get(r.visitId());
        if (v != null) {
            v.fail("the node refused the visit: " + r.reason());
        }
    }

    /** The node opened the stream of a visit; {@code dispatcher} is the handler to replace. On the loop. */
    void streamOpened(ChannelHandlerContext ctx, io.netty.channel.ChannelHandler dispatcher, String id) {
        Channel stream = ctx.channel();
        Visit visit = null;
        try {
            visit = id == null ? null : pending.remove(Long.parseLong(id));
        } catch (NumberFormatException e) {
            // answered below
        }
        if (visit == null || !visit.alive()) {
            stream.writeAndFlush(new DefaultHttp2HeadersFrame(StreamHeaders.failed("this agent has no visit " + id
                    + " waiting (it timed out or its connection closed)"), true));
            return;
        }
        visit.timeout.cancel(false);
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(StreamHeaders.accepted()));
        VisitorConfig c = visit.visitor.config;
        ctx.pipeline().replace(dispatcher, "e2e", new SecretStreamHandler(E2eRole.VISITOR, c.secretKey(),
                c.serverName()));
        stream.pipeline().addLast("visit", new VisitStream(visit, stream));
    }

    void close() {
        for (Visitor v : visitors) {
            if (v.channel != null) {
                v.channel.close();
            }
        }
    }

    /** Starts a visit: asks the node now, or as soon as the agent is logged in (within the open timeout). */
    private void open(Visit visit) {
        Visitor visitor = visit.visitor;
        long id = ++nextId;
        pending.put(id, visit);
        visit.id = id;
        visit.timeout = loop.schedule(() -> {
            if (pending.containsKey(id)) {
                visit.fail(visit.sent ? "the node did not open the visit within " + OPEN_TIMEOUT_SECONDS + " s"
                        : "not connected to the node within " + OPEN_TIMEOUT_SECONDS + " s; dropping the "
                        + (visitor.udp() ? "datagrams of " + visit.peer : "connection"));
            }
        }, OPEN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (control != null) {
            send(visit);
        }
    }

    private void send(Visit visit) {
        VisitorConfig c = visit.visitor.config;
        visit.sent = true;
        control.accept(new OpenVisit(visit.id, c.type(), c.serverName(), c.serverUser()));
    }

    /** One visitor's local port. */
    private final class Visitor {
        final VisitorConfig config;
        final TrafficCounter counter = new TrafficCounter();
        /** sudp: a visit per peer address. */
        final Map<InetSocketAddress, Visit> sessions = new HashMap<>();
        Channel channel;
        InetSocketAddress address;
        /** xtcp: peer to peer when it can, else the relay; null for stcp and sudp. */
        final PeerPath path;

        Visitor(VisitorConfig config, PeerPath path) {
            this.config = config;
            this.path = path;
        }

        boolean udp() {
            return TunnelConfig.SUDP.equals(config.type());
        }

        InetSocketAddress bind() {
            try {
                if (udp()) {
                    channel = new Bootstrap().group(loop).channel(Transports.datagramChannel())
                            .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(65_536))
                            .handler(new UdpPeers(this))
                            .bind(config.bindAddr(), config.bindPort()).sync().channel();
                } else {
                    channel = new ServerBootstrap().group(loop).channel(Transports.serverChannel())
                            .childOption(ChannelOption.AUTO_READ, false)
                            .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                            .childOption(ChannelOption.TCP_NODELAY, true)
                            .childHandler(new ChannelInitializer<>() {
                                @Override
                                protected void initChannel(Channel ch) {
                                    openChannels.add(ch);
                                    ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                        @Override
                                        public void channelActive(ChannelHandlerContext ctx) {
                                            ctx.pipeline().replace(this, "early", new EarlyInput());
                                            accepted(ctx.channel());
                                        }
                                    });
                                }
                            })
                            .bind(config.bindAddr(), config.bindPort()).sync().channel();
                }
            } catch (Exception e) {
                throw new AgentException(AgentException.Kind.CONFIG, "visitor '" + config.name() + "': cannot listen "
                        + "on " + config.bindAddr() + ":" + config.bindPort() + " (" + config.type() + "): "
                        + e.getMessage());
            }
            openChannels.add(channel);
            address = (InetSocketAddress) channel.localAddress();
            log.info("[{}] visitor listening on {}:{} for {} tunnel {}", config.name(),
                    address.getAddress().getHostAddress(), address.getPort(), config.type(), config.serverName());
            listener.visitorListening(config.name(), config.type(), config.serverName(), address);
            return address;
        }

        private void accepted(Channel local) {
            Visit visit = new Visit(this, local, null);
            if (path == null) {
                open(visit);
                return;
            }
            path.stream(stream -> {
                if (stream == null) {
                    open(visit);
                } else if (!local.isActive()) {
                    stream.close();
                } else {
                    stream.pipeline().addLast("e2e", new SecretStreamHandler(E2eRole.VISITOR, config.secretKey(),
                            config.serverName()));
                    stream.pipeline().addLast("visit", new VisitStream(visit, stream));
                }
            });
        }
    }

    /** One visit: a local TCP connection, or one sudp peer. */
    private final class Visit {
        final Visitor visitor;
        /** stcp: the local connection; null for sudp. */
        final Channel local;
        /** sudp: the peer's address; null for stcp. */
        final InetSocketAddress peer;
        final ArrayDeque<ByteBuf> early = new ArrayDeque<>();
        long id;
        ScheduledFuture<?> timeout;
        Channel stream;
        long lastActive = System.nanoTime();
        boolean failed;
        /** The node was asked for this visit (on the current connection). */
        boolean sent;
        /** sudp: the handshake succeeded and datagrams go straight to the stream. */
        boolean ready;

        Visit(Visitor visitor, Channel local, InetSocketAddress peer) {
            this.visitor = visitor;
            this.local = local;
            this.peer = peer;
        }

        boolean alive() {
            return !failed && (local == null || local.isActive());
        }

        void fail(String why) {
            if (failed) {
                return;
            }
            failed = true;
            pending.remove(id);
            if (timeout != null) {
                timeout.cancel(false);
            }
            log.warn("[{}] {}", visitor.config.name(), why);
            end();
        }

        void end() {
            if (local != null) {
                local.close();
            } else {
                visitor.sessions.remove(peer, this);
            }
            for (ByteBuf b; (b = early.poll()) != null; ) {
                b.release();
            }
            if (stream != null) {
                stream.close();
            }
        }
    }

    /** The visitor's side of a visit stream, behind its {@code SecretStreamHandler}. */
    private final class VisitStream extends ChannelInboundHandlerAdapter {
        private final Visit visit;
        private final Channel stream;

        VisitStream(Visit visit, Channel stream) {
            this.visit = visit;
            this.stream = stream;
            visit.stream = stream;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (!(evt instanceof E2eHandshakeCompleted)) {
                ctx.fireUserEventTriggered(evt);
                return;
            }
            Visitor v = visit.visitor;
            if (visit.local != null) {
                Channel local = visit.local;
                if (!local.isActive()) {
                    Relay.closeOnFlush(stream);
                    return;
                }
                v.counter.connectionOpened();
                local.closeFuture().addListener(f -> {
                    v.counter.connectionClosed();
                    Relay.closeOnFlush(stream);
                });
                stream.closeFuture().addListener(f -> Relay.closeOnFlush(local));
                Relay.bridge(local, stream, v.counter);
                EarlyInput.replay(local);
                return;
            }
            ctx.pipeline().addBefore(ctx.name(), "datagram-decoder", new DatagramFrameDecoder());
            ctx.pipeline().addBefore(ctx.name(), "datagram-encoder", DatagramFrameEncoder.INSTANCE);
            stream.closeFuture().addListener(f -> v.sessions.remove(visit.peer, visit));
            for (ByteBuf d; (d = visit.early.poll()) != null; ) {
                stream.write(d, stream.voidPromise());
            }
            stream.flush();
            visit.ready = true;
            scheduleIdleCheck();
        }

        private void scheduleIdleCheck() {
            stream.eventLoop().schedule(() -> {
                if (!stream.isActive()) {
                    return;
                }
                if (System.nanoTime() - visit.lastActive >= TimeUnit.SECONDS.toNanos(UDP_IDLE_SECONDS)) {
                    visit.visitor.sessions.remove(visit.peer, visit);
                    Relay.closeOnFlush(stream);
                } else {
                    scheduleIdleCheck();
                }
            }, UDP_IDLE_SECONDS / 4, TimeUnit.SECONDS);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            // sudp: a datagram from the owner's service, back to the peer that started the session
            if (visit.local == null && msg instanceof ByteBuf datagram) {
                visit.lastActive = System.nanoTime();
                visit.visitor.counter.addOut(datagram.readableBytes());
                visit.visitor.channel.writeAndFlush(new DatagramPacket(datagram, visit.peer),
                        visit.visitor.channel.voidPromise());
                return;
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            String name = visit.visitor.config.name();
            if (cause instanceof WrongSecretException) {
                log.error("[{}] {}: check the visitor's secretKey", name, cause.getMessage());
            } else if (cause instanceof E2eException || cause instanceof IOException) {
                log.info("[{}] visit ended: {}", name, cause.getMessage());
            } else {
                log.warn("[{}] visit failed", name, cause);
            }
            visit.failed = true;
            visit.end();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (visit.local == null) {
                visit.visitor.sessions.remove(visit.peer, visit);
            }
            ctx.fireChannelInactive();
        }
    }

    /** sudp: sorts datagrams by peer; the first from a peer starts its visit. */
    private final class UdpPeers extends ChannelInboundHandlerAdapter {
        private final Visitor visitor;

        UdpPeers(Visitor visitor) {
            this.visitor = visitor;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof DatagramPacket packet)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            InetSocketAddress peer = packet.sender();
            ByteBuf datagram = packet.content();
            if (datagram.readableBytes() > DatagramFraming.MAX_DATAGRAM_LENGTH) {
                packet.release();
                return;
            }
            Visit visit = visitor.sessions.get(peer);
            if (visit == null || visit.failed) {
                visit = new Visit(visitor, null, peer);
                open(visit);
                visitor.sessions.put(peer, visit);
            }
            visit.lastActive = System.nanoTime();
            visitor.counter.addIn(datagram.readableBytes());
            if (visit.ready) {
                if (visit.stream.isActive() && visit.stream.isWritable()) {
                    visit.stream.writeAndFlush(datagram, visit.stream.voidPromise());
                } else {
                    datagram.release();
                }
            } else if (visit.early.size() < UdpStreamHandler.MAX_EARLY_DATAGRAMS) {
                visit.early.add(datagram);
            } else {
                datagram.release();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("[{}] local UDP socket: {}", visitor.config.name(), cause.toString());
        }
    }
}

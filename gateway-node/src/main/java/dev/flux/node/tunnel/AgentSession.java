package dev.flux.node.tunnel;

import dev.flux.protocol.FluxVersion;
import dev.flux.protocol.control.ControlFrameDecoder;
import dev.flux.protocol.control.ControlFrameEncoder;
import dev.flux.protocol.control.ControlMessage;
import dev.flux.protocol.control.Login;
import dev.flux.protocol.control.LoginAccepted;
import dev.flux.protocol.control.LoginRejected;
import dev.flux.node.p2p.Rendezvous;
import dev.flux.protocol.control.OpenVisit;
import dev.flux.protocol.control.PeerCandidates;
import dev.flux.protocol.control.PeerConnect;
import dev.flux.protocol.control.PeerRejected;
import dev.flux.protocol.control.VisitRejected;
import dev.flux.protocol.control.RegisterTunnel;
import dev.flux.protocol.control.TunnelClosed;
import dev.flux.protocol.control.TunnelReady;
import dev.flux.protocol.control.TunnelRejected;
import dev.flux.protocol.control.UnregisterTunnel;
import dev.flux.protocol.stream.Http2Transport;
import dev.flux.protocol.stream.StreamFrameAdapter;
import dev.flux.protocol.stream.StreamHeaders;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent's connection to this node, from login to close: the control stream, the agent's tunnels, heartbeats.
 * Everything here runs on the connection's event loop, so session state needs no locks.
 */
public final class AgentSession extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(AgentSession.class);
    private static final long LOGIN_TIMEOUT_SECONDS = 10;
    private static final long PING_INTERVAL_SECONDS = 5;

    private final TunnelServer server;
    private final String sessionId = UUID.randomUUID().toString();
    private final Map<String, Tunnel> tunnels = new LinkedHashMap<>();
    /** Registrations waiting for the gate's answer or for their port to bind, by tunnel name. */
    private final Set<String> pending = new HashSet<>();
    /** The control plane's ids of tunnels being set up, by name; set on the tunnel once it is ready. */
    private final Map<String, Long> controlPlaneIds = new HashMap<>();
    /** The policies of tunnels being set up, by name; a new tunnel takes its own from here. */
    private final Map<String, TunnelLimits> limits = new HashMap<>();
    private Channel channel;
    /** Streams of this connection: one waiting for its reader is not closed by HTTP/2 when the connection dies. */
    private ChannelGroup streams;
    private Channel control;
    private volatile AgentIdentity token;
    private boolean loggingIn;
    private String runKey;
    private String agentName;
    private ScheduledFuture<?> pinger;
    private boolean closed;

    AgentSession(TunnelServer server) {
        this.server = server;
    }

    /** Who the agent logged in as; null before login. */
    public AgentIdentity token() {
        return token;
    }

    String runKey() {
        return runKey;
    }

    TunnelServer server() {
        return server;
    }

    TunnelRegistry registry() {
        return server.registry();
    }

    /** The agent's address and host name, for logs. */
    public String agentName() {
        return agentName;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        streams = new DefaultChannelGroup(channel.eventLoop());
        agentName = address(channel.remoteAddress());
        Http2Transport.raiseConnectionWindow(ctx.pipeline());
        channel.eventLoop().schedule(() -> {
            if (token == null && channel.isActive()) {
                log.info("agent {} sent no login within {} s; closing", agentName, LOGIN_TIMEOUT_SECONDS);
                channel.close();
            }
        }, LOGIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        pinger = channel.eventLoop().scheduleAtFixedRate(
                () -> channel.writeAndFlush(new DefaultHttp2PingFrame(System.nanoTime())),
                PING_INTERVAL_SECONDS, PING_INTERVAL_SECONDS, TimeUnit.SECONDS);
        openStream(StreamHeaders.open(StreamHeaders.KIND_CONTROL, null, null), new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel ch) {
                ch.pipeline().addLast(StreamFrameAdapter.INSTANCE, new ControlFrameDecoder(),
                        ControlFrameEncoder.INSTANCE, new ControlHandler());
            }
        }).addListener(f -> {
            if (f.isSuccess()) {
                control = (Channel) f.getNow();
            } else {
                log.info("agent {}: cannot open the control stream: {}", agentName, f.cause().toString());
                channel.close();
            }
        });
    }

    /**
     * Opens a stream to the agent and writes its HEADERS; the future completes with the stream once the headers
     * are queued, so that anything written afterwards follows them.
     */
    Future<Http2StreamChannel> openStream(Http2Headers headers, ChannelHandler handler) {
        Promise<Http2StreamChannel> promise = channel.eventLoop().newPromise();
        new Http2StreamChannelBootstrap(channel).handler(handler).open().addListener(f -> {
            if (!f.isSuccess()) {
                promise.tryFailure(f.cause());
                return;
            }
            Http2StreamChannel stream = (Http2StreamChannel) f.getNow();
            streams.add(stream);
            stream.config().setAutoRead(true);
            stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, false)).addListener(w -> {
                if (w.isSuccess()) {
                    promise.trySuccess(stream);
                } else {
                    stream.close();
                    promise.tryFailure(w.cause());
                }
            });
        });
        return promise;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // PING acks and SETTINGS reach the parent pipeline; liveness is judged by the idle handler
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            log.info("agent {} silent for {} s; closing its connection", agentName,
                    server.config().heartbeatTimeoutSeconds());
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        close("connection closed");
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.info("agent {}: {}", agentName, TunnelServer.describe(cause));
        ctx.close();
    }

    private void close(String why) {
        if (closed) {
            return;
        }
        closed = true;
        if (pinger != null) {
            pinger.cancel(false);
        }
        for (Tunnel t : tunnels.values()) {
            t.close();
            registry().releaseTunnelSlot(token);
            server.gate().tunnelOffline(t);
            log.info("[{}] tunnel closed ({})", t.name(), why);
        }
        tunnels.clear();
        pending.clear();
        limits.clear();
        streams.close();
        if (runKey != null) {
            registry().removeSession(this);
            log.info("agent {} disconnected", agentName);
        }
        channel.close();
    }

    private void send(ControlMessage message) {
        if (control != null && control.isActive()) {
            control.writeAndFlush(message, control.voidPromise());
        }
    }

    /** Handles the agent's control messages. */
    private final class ControlHandler extends SimpleChannelInboundHandler<Object> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame) {
                return; // the agent's :status 200 for the control stream
            }
            if (token == null) {
                if (msg instanceof Login login && !loggingIn) {
                    login(login);
                } else if (loggingIn) {
                    log.info("agent {} sent {} before its login was answered; closing", agentName,
                            msg.getClass().getSimpleName());
                    channel.close();
                } else {
                    log.info("agent {} sent {} before logging in; closing", agentName, msg.getClass().getSimpleName());
                    channel.close();
                }
                return;
            }
            if (msg instanceof RegisterTunnel r) {
                register(r);
            } else if (msg instanceof UnregisterTunnel u) {
                Tunnel t = tunnels.remove(u.name());
                if (t != null) {
                    t.close();
                    if (UnregisterTunnel.UNHEALTHY.equals(u.reason())) {
                        registry().markUnhealthy(t);
                    }
                    registry().releaseTunnelSlot(token);
                    server.gate().tunnelOffline(t);
                    log.info("[{}] tunnel closed (removed by the agent)", t.name());
                } else {
                    registry().clearUnhealthy(AgentSession.this, u.name());
                }
            } else if (msg instanceof OpenVisit v) {
                visit(v);
            } else if (msg instanceof PeerConnect p) {
                peerConnect(p);
            } else if (msg instanceof PeerCandidates c) {
                server.rendezvous().candidates(AgentSession.this, c);
            } else if (msg instanceof Login) {
                log.info("agent {} logged in twice; closing", agentName);
                channel.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.info("agent {}: control stream error: {}; closing the connection", agentName,
                    TunnelServer.describe(cause));
            channel.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            channel.close();
        }
    }

    private void login(Login login) {
        loggingIn = true;
        server.gate().login(login.token()).whenComplete((identity, failure) -> channel.eventLoop().execute(() -> {
            loggingIn = false;
            if (closed) {
                return;
            }
            if (failure != null) {
                refuseLogin(unwrap(failure));
            } else {
                loggedIn(login, identity);
            }
        }));
    }

    private void refuseLogin(Throwable failure) {
        String reason = failure instanceof LoginRefusedException r ? r.getMessage()
                : "the node could not check the token: " + TunnelServer.describe(failure);
        if (failure instanceof LoginRefusedException r && r.retryable()) {
            // not the token's fault: a retryable refusal, and the agent reconnects with backoff
            log.info("agent {} not logged in: {}; closing so that it tries again", agentName, reason);
            control.writeAndFlush(new LoginRejected(reason, true)).addListener(f -> channel.close());
            return;
        }
        log.info("agent {} rejected: {}", agentName, reason);
        control.writeAndFlush(new LoginRejected(reason)).addListener(f -> channel.close());
    }

    private void loggedIn(Login login, AgentIdentity identity) {
        token = identity;
        agentName = address(channel.remoteAddress()) + " (" + login.hostname() + ")";
        runKey = identity.name() + "/" + login.runId();
        AgentSession previous = registry().addSession(this);
        if (previous != null && previous != this) {
            log.info("agent {} reconnected; dropping its previous connection", agentName);
            previous.channel.eventLoop().execute(() -> previous.close("replaced by a new connection"));
        }
        log.info("agent {} logged in as '{}' (agent {})", agentName, identity.name(), login.version());
        send(new LoginAccepted(sessionId, server.nodeName(), FluxVersion.product()));
    }

    /**
     * Ends this session because its login is no longer valid (the token was revoked, the account disabled): tells
     * the agent why, so that it stops rather than reconnects, and closes the connection. Any thread.
     */
    public void endLogin(String reason) {
        channel.eventLoop().execute(() -> {
            if (closed) {
                return;
            }
            log.info("agent {}: {}; closing its connection", agentName, reason);
            if (control != null && control.isActive()) {
                control.writeAndFlush(new LoginRejected(reason)).addListener(f -> close(reason));
            } else {
                close(reason);
            }
        });
    }

    /**
     * Closes the tunnel the control plane knows by this id, if this session serves it, and tells the agent why.
     * Any thread.
     */
    public void closeTunnel(long controlPlaneId, String reason) {
        channel.eventLoop().execute(() -> {
            for (Tunnel t : tunnels.values()) {
                if (Long.valueOf(controlPlaneId).equals(t.controlPlaneId())) {
                    tunnels.remove(t.name());
                    t.close();
                    registry().releaseTunnelSlot(token);
                    server.gate().tunnelOffline(t);
                    log.info("[{}] tunnel closed: {}", t.name(), reason);
                    send(new TunnelClosed(t.name(), reason));
                    return;
                }
            }
        });
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    private void register(RegisterTunnel request) {
        if (tunnels.containsKey(request.name()) || !pending.add(request.name())) {
            reject(request.name(), "this agent already registered a tunnel named '" + request.name() + "'", false);
            return;
        }
        server.gate().authorize(token, request).whenComplete((grant, failure) -> channel.eventLoop().execute(() -> {
            if (closed) {
                return;
            }
            if (failure != null) {
                pending.remove(request.name());
                Throwable cause = unwrap(failure);
                if (cause instanceof TunnelRejectedException e) {
                    reject(request.name(), e.getMessage(), e.retryable());
                } else {
                    reject(request.name(), "the node could not authorize the tunnel: "
                            + TunnelServer.describe(cause), true);
                }
                return;
            }
            controlPlaneIds.put(request.name(), grant.tunnelId());
            start(grant.registration());
        }));
    }

    private void start(RegisterTunnel r) {
        TunnelGroup<Tunnel> group;
        try {
            limits.put(r.name(), TunnelLimits.of(r.policy()));
            group = registry().joinableGroup(r);
            registry().acquireTunnelSlot(token);
        } catch (TunnelRejectedException e) {
            pending.remove(r.name());
            releaseLimits(r.name());
            registry().abandonGroup(r);
            reject(r.name(), e.getMessage(), e.retryable());
            return;
        }
        try {
            if (group != null) {
                server.joinGroup(this, r, group);
                return;
            }
            switch (r.tunnelType()) {
                case "http" -> registerHttp(r);
                case "tcp" -> server.bindTcp(this, r);
                case "udp" -> server.bindUdp(this, r);
                case "https" -> registerHttps(r);
                case "stcp", "sudp", "xtcp" -> registerSecret(r);
                default -> throw new TunnelRejectedException("tunnel type '" + r.tunnelType()
                        + "' is not supported by this node (supported: tcp, udp, http, https, stcp, sudp, xtcp)",
                        false);
            }
        } catch (TunnelRejectedException e) {
            pending.remove(r.name());
            registry().releaseTunnelSlot(token);
            releaseLimits(r.name());
            registry().abandonGroup(r);
            reject(r.name(), e.getMessage(), e.retryable());
        }
    }

    private void releaseLimits(String name) {
        limits.remove(name);
    }

    /** The policy of a tunnel being set up; a tunnel's constructor takes it. */
    TunnelLimits limitsFor(String name) {
        return limits.getOrDefault(name, TunnelLimits.NONE);
    }

    private void registerHttp(RegisterTunnel r) throws TunnelRejectedException {
        HttpTunnel tunnel = server.newHttpTunnel(this, r);
        registry().claimHosts(tunnel);
        ready(tunnel);
    }

    private void registerHttps(RegisterTunnel r) throws TunnelRejectedException {
        Tunnel tunnel = server.newHttpsTunnel(this, r);
        registry().claimHttpsHosts(tunnel, tunnel.hosts());
        ready(tunnel);
    }

    private void registerSecret(RegisterTunnel r) throws TunnelRejectedException {
        SecretTunnel tunnel = new SecretTunnel(r.name(), this, r.localAddress(), r.tunnelType(), r.allowUsers());
        registry().claimSecret(tunnel);
        ready(tunnel);
    }

    /** A visitor of this session asks for a stream to a secret tunnel. */
    private void visit(OpenVisit v) {
        SecretTunnel tunnel;
        try {
            tunnel = registry().secretTunnel(v.serverName(), v.serverUser(), token.user());
        } catch (TunnelRejectedException e) {
            log.info("[{}] visit from {} refused: {}", v.serverName(), agentName, e.getMessage());
            send(new VisitRejected(v.visitId(), e.getMessage()));
            return;
        }
        if (!tunnel.type().equals(v.tunnelType())) {
            send(new VisitRejected(v.visitId(), "tunnel '" + v.serverName() + "' is " + tunnel.type() + ", not "
                    + v.tunnelType() + "; set the visitor's type to " + tunnel.type()));
            return;
        }
        tunnel.visit(this, v);
    }

    /** A visitor of this session asks for a peer-to-peer session with the owner of an xtcp tunnel. */
    private void peerConnect(PeerConnect p) {
        SecretTunnel tunnel;
        try {
            tunnel = registry().secretTunnel(p.serverName(), p.serverUser(), token.name());
        } catch (TunnelRejectedException e) {
            send(new PeerRejected(p.requestId(), e.getMessage()));
            return;
        }
        String refusal = !"xtcp".equals(tunnel.type()) ? "tunnel '" + p.serverName() + "' is " + tunnel.type()
                + ", not xtcp; set the visitor's type to " + tunnel.type()
                : !tunnel.allows(token) ? token.name() + " is not allowed to visit tunnel '" + p.serverName() + "'"
                : server.rendezvous().port() < 0 ? "this node has peer-to-peer disabled (p2pPort = -1)" : null;
        if (refusal != null) {
            log.info("[{}] peer-to-peer request from {} refused: {}", p.serverName(), agentName, refusal);
            send(new PeerRejected(p.requestId(), refusal));
            return;
        }
        AgentSession owner = tunnel.session();
        server.rendezvous().open(tunnel.name(), p.requestId(),
                new Rendezvous.Peer(this, token.name() + "@" + agentName, this::sendControl),
                new Rendezvous.Peer(owner, owner.token().name() + "@" + owner.agentName(), owner::sendControl));
    }

    /** Sends a control message to this agent; any thread. */
    void sendControl(ControlMessage message) {
        channel.eventLoop().execute(() -> send(message));
    }

    /** Called on this session's event loop once a tunnel holds its resources. */
    void ready(Tunnel tunnel) {
        if (closed) {
            tunnel.close();
            registry().releaseTunnelSlot(token);
            registry().abandonGroup(tunnel.type(), tunnel.policy().group(), tunnel.name());
            return;
        }
        pending.remove(tunnel.name());
        limits.remove(tunnel.name());
        tunnel.controlPlaneId(controlPlaneIds.remove(tunnel.name()));
        tunnels.put(tunnel.name(), tunnel);
        registry().clearUnhealthy(this, tunnel.name());
        registry().enterGroup(tunnel);
        server.gate().tunnelOnline(tunnel);
        int port = tunnel instanceof TcpTunnel t ? t.port() : tunnel instanceof UdpTunnel u ? u.port() : 0;
        log.info("[{}] tunnel ready {}", tunnel.name(), String.join(" ", tunnel.urls()));
        send(new TunnelReady(tunnel.name(), port, tunnel.urls()));
    }

    /** Called on this session's event loop when a registration fails after it started. */
    void rejectLater(String name, TunnelRejectedException e) {
        pending.remove(name);
        releaseLimits(name);
        controlPlaneIds.remove(name);
        registry().releaseTunnelSlot(token);
        reject(name, e.getMessage(), e.retryable());
    }

    private void reject(String name, String reason, boolean retryable) {
        log.info("[{}] tunnel rejected: {}", name, reason);
        send(new TunnelRejected(name, reason, retryable));
    }

    Channel channel() {
        return channel;
    }

    static String address(SocketAddress a) {
        if (a instanceof InetSocketAddress i) {
            return i.getAddress().getHostAddress() + ":" + i.getPort();
        }
        return String.valueOf(a);
    }

    /** Handler for the rare stream an agent might try to open; agents open none. */
    static final class InboundStreamRejector extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.close();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }
}
